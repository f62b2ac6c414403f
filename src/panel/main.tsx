import { render } from 'preact';
import { ChromeHarSource } from '../platform/chrome-har-source';
import { devtoolsTheme, followDevtoolsTheme } from '../platform/devtools-panel';
import { App } from './App';

const applyTheme = (theme: string) => {
  document.documentElement.dataset.theme = theme;
};
applyTheme(devtoolsTheme());
followDevtoolsTheme(applyTheme);
const root = document.getElementById('app');
if (root) render(<App source={new ChromeHarSource()} />, root);
