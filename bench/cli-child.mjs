// One `cors-lens` process as the user runs it, reporting its own peak memory: runs the built CLI's entry in this
// process (argv as given after this script) and writes {maxRssBytes} to stderr's last line at exit.
const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], entry, ...args];
process.on('exit', () => process.stderr.write(`\n${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`));
await import(new URL(entry, 'file:///').href);
