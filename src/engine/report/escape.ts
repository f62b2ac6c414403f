/**
 * Escaping shared by the report renderers. Everything taken from a capture is hostile: control characters,
 * bidi overrides and invisible characters become visible escapes (`\u202E`) so they can neither reorder the
 * text a reviewer reads nor forge lines; each renderer then escapes its own syntax (Markdown, HTML, shell).
 */

/** Characters that move, hide or break text: C0/C1 controls, bidi marks and overrides, zero-width, separators. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
/** The same, but tab and line feed stay (code blocks and snippets are multi-line). */
const INVISIBLE_IN_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

function escapeChar(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One-line text: every control, bidi and invisible character (line breaks too) as `\uXXXX`. */
export function visibleEscapes(value: string): string {
  return value.replace(INVISIBLE, escapeChar);
}

/** Multi-line text: as visibleEscapes, but line feeds and tabs are kept. */
export function visibleEscapesInBlock(value: string): string {
  return value.replace(INVISIBLE_IN_BLOCK, escapeChar);
}

/** True when the text holds a character visibleEscapes would replace. */
export function hasInvisible(value: string): boolean {
  INVISIBLE.lastIndex = 0;
  const found = INVISIBLE.test(value);
  INVISIBLE.lastIndex = 0;
  return found;
}
