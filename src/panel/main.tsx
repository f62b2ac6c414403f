import { render } from 'preact';
import { ChromeHarSource } from '../platform/chrome-har-source';
import { devtoolsTheme, followDevtoolsTheme } from '../platform/devtools-panel';
import { hostBrowser } from '../platform/host-browser';
import { App } from './App';

const applyTheme = (theme: string) => {
  document.documentElement.dataset.theme = theme;
};
applyTheme(devtoolsTheme());
followDevtoolsTheme(applyTheme);
const root = document.getElementById('app');
// Decided once, here: how the live capture is read and which browser's checks the diagnosis replays.
const browser = hostBrowser();
if (root) render(<App source={new ChromeHarSource()} browser={browser} />, root);
