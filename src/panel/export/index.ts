export { ExportMenu } from './ExportMenu';
export type { ExportMenuProps } from './ExportMenu';
