// The devtools page lives as long as DevTools is open on a tab; its only job is to add the CORS panel.
// Both paths are relative to the extension root (dist/), where vite writes the panel page and the icons.
import { createCorsPanel } from '../platform/devtools-panel';

createCorsPanel({ title: 'CORS', iconPath: 'assets/icon-32.png', pagePath: 'src/panel/panel.html' });
