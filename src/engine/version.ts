// package.json is the one place the version is written: the bundler inlines just this field into the engine,
// the CLI and (through vite.config.ts) the extension's manifest.
import { version } from '../../package.json';

export const TOOL_NAME = 'cors-lens';
export const TOOL_VERSION: string = version;
