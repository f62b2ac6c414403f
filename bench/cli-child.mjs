// One `cors-lens` process as the user runs it, reporting its own peak memory and CPU time: runs the built CLI's
// entry in this process (argv as given after this script) and writes {maxRssBytes, cpuMs} to stderr's last line
// at exit (bench/cli.ts REPORT_USAGE does the same for the bare reference process).
const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], entry, ...args];
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\n${JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 })}\n`);
});
await import(new URL(entry, 'file:///').href);
