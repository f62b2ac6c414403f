export interface CorsPanelOptions {
  /** Tab title shown in the DevTools tab strip. */
  title: string;
  /** Icon path relative to the extension root. */
  iconPath: string;
  /** Panel page path relative to the extension root. */
  pagePath: string;
}

/** Adds the panel to DevTools. Only the devtools page may call this (chrome.devtools.* exists nowhere else). */
export function createCorsPanel(options: CorsPanelOptions): void {
  chrome.devtools.panels.create(options.title, options.iconPath, options.pagePath);
}

export type DevtoolsTheme = 'light' | 'dark';

/** DevTools' own theme, so the panel looks like the rest of DevTools. */
export function devtoolsTheme(): DevtoolsTheme {
  const themeName = globalThis.chrome?.devtools?.panels?.themeName;
  return themeName === 'dark' ? 'dark' : 'light';
}

/** Calls `onChange` when the user switches DevTools' theme (Settings → Appearance). */
export function followDevtoolsTheme(onChange: (theme: DevtoolsTheme) => void): void {
  globalThis.chrome?.devtools?.panels?.setThemeChangeHandler?.((theme) => onChange(theme === 'dark' ? 'dark' : 'light'));
}
