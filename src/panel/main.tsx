import { render } from 'preact';
import { ChromeHarSource } from '../platform/chrome-har-source';
import { devtoolsTheme } from '../platform/devtools-panel';
import { App } from './App';

document.documentElement.dataset.theme = devtoolsTheme();
const root = document.getElementById('app');
if (root) render(<App source={new ChromeHarSource()} />, root);
