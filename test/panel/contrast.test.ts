// The panel's colours, read from panel.css, meet WCAG AA contrast (4.5:1 for text) in both DevTools themes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync('src/panel/panel.css', 'utf8');

function variables(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf('}', start));
  return new Map([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((match) => [match[1] as string, match[2] as string]));
}

function luminance(hex: string): number {
  const channel = (offset: number) => {
    const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

const contrast = (a: string, b: string) => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};

const TEXT_ON = [
  ['fg', 'bg'], ['muted', 'bg'], ['accent', 'bg'], ['error', 'bg'], ['ok', 'bg'], ['warn', 'bg'],
  ['fg', 'toolbar'], ['muted', 'toolbar'], ['fg', 'row-selected'], ['error', 'row-selected'], ['muted', 'badge-bg'], ['fg', 'named'],
] as const;

describe.each([
  ['light', ':root'],
  ['dark', ":root[data-theme='dark']"],
])('the %s theme', (_theme, selector) => {
  const palette = variables(selector);
  it.each(TEXT_ON)('%s text on %s is at least 4.5:1', (text, background) => {
    const ratio = contrast(palette.get(text) as string, palette.get(background) as string);
    expect(ratio, `${text} on ${background}`).toBeGreaterThanOrEqual(4.5);
  });
});
