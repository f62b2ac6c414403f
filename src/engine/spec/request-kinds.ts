/**
 * What kind of request an entry is, as a person would name it, from what Chromium records: `_resourceType`,
 * then `Sec-Fetch-Mode` for the kinds whose mode the page chooses (the `crossorigin` attribute). Measured on
 * Chromium 156 with the differential suite (test/differential/README.md, "Other request kinds"): a module
 * script, import(), modulepreload and a classic script with `crossorigin` are recorded alike (script, cors), and
 * @font-face, the FontFace API and a font preload differ only in their initiator type, so those are not told
 * apart. A worker's requests carry no Sec-Fetch-Mode in the HAR (provisional headers only).
 */

export interface RequestKind {
  /** "font", "EventSource", "image with crossorigin (CORS)"… */
  readonly label: string;
  /** How it was inferred, e.g. `_resourceType "image", Sec-Fetch-Mode "cors"`. */
  readonly basis: string;
  /** The request mode this kind always uses, when the kind decides it; null when the page chooses. */
  readonly fixedMode: 'cors' | 'no-cors' | null;
}

interface KindFacts {
  readonly label: string;
  readonly fixedMode: 'cors' | 'no-cors' | null;
  /** Labels by Sec-Fetch-Mode for the kinds whose mode the page chooses. */
  readonly byMode?: { readonly cors: string; readonly 'no-cors': string };
}

const BY_RESOURCE_TYPE: ReadonlyMap<string, KindFacts> = new Map<string, KindFacts>([
  ['fetch', { label: 'fetch()', fixedMode: null }],
  ['xhr', { label: 'XMLHttpRequest', fixedMode: null }],
  ['ping', { label: 'beacon (sendBeacon) or <a ping>', fixedMode: null, byMode: { cors: 'beacon with a non-safelisted body type (CORS, credentials included)', 'no-cors': 'beacon (no-cors)' } }],
  ['eventsource', { label: 'EventSource', fixedMode: 'cors' }],
  ['font', { label: 'font (@font-face, the FontFace API or a font preload)', fixedMode: 'cors' }],
  ['image', { label: 'image', fixedMode: null, byMode: { cors: 'image with crossorigin (CORS)', 'no-cors': 'image without crossorigin (no-cors)' } }],
  ['media', { label: 'audio or video', fixedMode: null, byMode: { cors: 'audio or video with crossorigin (CORS)', 'no-cors': 'audio or video without crossorigin (no-cors)' } }],
  ['script', { label: 'script', fixedMode: null, byMode: { cors: 'script in CORS mode (module script, import(), modulepreload, or crossorigin)', 'no-cors': 'classic script without crossorigin (no-cors)' } }],
  ['stylesheet', { label: 'stylesheet', fixedMode: null, byMode: { cors: 'stylesheet with crossorigin (CORS)', 'no-cors': 'stylesheet without crossorigin (no-cors)' } }],
  ['texttrack', { label: 'text track', fixedMode: null, byMode: { cors: 'text track with crossorigin (CORS)', 'no-cors': 'text track (no-cors)' } }],
  ['document', { label: 'document (navigation or iframe)', fixedMode: null }],
  ['preflight', { label: 'CORS preflight', fixedMode: 'cors' }],
  ['websocket', { label: 'WebSocket', fixedMode: null }],
  ['manifest', { label: 'web app manifest', fixedMode: null }],
  ['other', { label: 'other (e.g. <link rel=preload as=fetch>, importScripts())', fixedMode: null }],
]);

export function requestKindOf(resourceType: string | null, secFetchMode: string | null): RequestKind | null {
  if (resourceType === null) return null;
  const facts = BY_RESOURCE_TYPE.get(resourceType);
  if (facts === undefined) return { label: resourceType, basis: `_resourceType "${resourceType}"`, fixedMode: null };
  const mode = secFetchMode?.trim().toLowerCase() ?? null;
  const byMode = facts.byMode !== undefined && (mode === 'cors' || mode === 'no-cors') ? facts.byMode[mode] : null;
  return {
    label: byMode ?? facts.label,
    basis: byMode === null ? `_resourceType "${resourceType}"` : `_resourceType "${resourceType}", Sec-Fetch-Mode "${mode}"`,
    fixedMode: facts.fixedMode,
  };
}
