// The devtools page lives as long as DevTools is open on a tab; its only job is to add the CORS panel.
// Both paths are root-absolute: Chromium resolves them against the extension root (dist/), Firefox against the
// devtools page's folder, where a relative 'src/panel/panel.html' left its panel blank (docs/firefox-notes.md).
import { createCorsPanel } from '../platform/devtools-panel';

createCorsPanel({ title: 'CORS', iconPath: '/assets/icon-32.png', pagePath: '/src/panel/panel.html' });
