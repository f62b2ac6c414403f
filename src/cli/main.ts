// The `cors-lens` command: runs the CLI on this process's arguments and streams. Help, version and usage errors
// are answered before the engine is loaded, so they start as fast as Node itself (`npm run bench -- --cli`).
import { answerWithoutEngine, parseArguments } from './arguments.js';

const argv = process.argv.slice(2);
const out = (part: string | Uint8Array) => process.stdout.write(part);
const err = (text: string) => process.stderr.write(text);

const command = parseArguments(argv);
process.exitCode = command.kind === 'diagnose' ? (await import('./run.js')).run(argv, out, err) : answerWithoutEngine(command, out, err);
