/** Kept equal to package.json "version" (checked by a test); the engine cannot read package.json itself. */
export const TOOL_NAME = 'cors-lens';
export const TOOL_VERSION = '0.1.0';
