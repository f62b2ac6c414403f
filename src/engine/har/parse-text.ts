import type { InputError } from './types.js';

export type ParseResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: InputError };

const BYTE_ORDER_MARK = '\uFEFF';
/**
 * Firebug NetExport / HAR Viewer "HARP" files wrap the HAR as `onInputData({...})` so it can be loaded
 * cross-domain as a script. The wrapper is a known producer quirk, so it is removed rather than rejected.
 */
const JSONP_WRAPPER = /^([A-Za-z_$][\w$]*)\s*\(([\s\S]*)\)\s*;?\s*$/;

/** Parses the text of a .har file. Never throws. */
export function parseHarText(text: string): ParseResult {
  let body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  body = body.trim();
  if (body === '') return { ok: false, error: { message: 'The input is empty, not a HAR file.', path: '' } };
  const wrapper = JSONP_WRAPPER.exec(body);
  if (wrapper !== null) body = wrapper[2] ?? '';
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : 'unknown parse error';
    const prefix = wrapper !== null ? `Inside the ${wrapper[1] ?? ''}(...) wrapper: ` : '';
    return { ok: false, error: { message: `${prefix}not valid JSON (${reason}).`, path: '' } };
  }
}
