/**
 * Applies a report's fixes to raw HAR entries, independently of the engine's own what-if code: the test
 * oracle for "applying fix.headers and fix.status to the recorded responses makes the exchange pass".
 *
 * Target semantics at HAR level: a fix found on entry E applies to E's hop, i.e. the entries of the exchange
 * with E's URL (or, for a preflight, the URL it was sent for): "preflight" → the OPTIONS entry of that hop,
 * "actual" and "redirect" → the hop's request entry, "all-responses" → both. `status` is the preflight's.
 * A request the browser never sent (status 0) gets status 200 and the Allow-Origin/-Credentials lines of its
 * patched preflight — the assumption the engine's what-if states in `fix.whatIf`. Only the CORS failure
 * (net::ERR_FAILED) is cleared: other net errors do not depend on the CORS headers.
 */
import type { Finding, ReportExchange } from '../../src/engine/index';

export interface HarHeader { name: string; value: string }
export interface HarEntryLike {
  request: { method: string; url: string; headers: HarHeader[] };
  response: { status: number; headers: HarHeader[]; redirectURL?: string; _error?: string | null };
  _resourceType?: string;
  _initiator?: { type?: string; url?: string };
}

const isPreflight = (entry: HarEntryLike) => entry._resourceType === 'preflight' || (entry.request.method === 'OPTIONS' && entry._initiator?.type === 'preflight');
const hopUrl = (entry: HarEntryLike) => (isPreflight(entry) ? (entry._initiator?.url ?? entry.request.url) : entry.request.url);

function applyHeaders(headers: HarHeader[], patches: Finding['fix'] extends infer F ? F extends { headers: infer H } ? H : never : never): HarHeader[] {
  let result = [...headers];
  for (const patch of patches) {
    const lower = patch.name.toLowerCase();
    if (patch.action === 'remove') result = result.filter((header) => header.name.toLowerCase() !== lower);
    else if (patch.action === 'set') result = [...result.filter((header) => header.name.toLowerCase() !== lower), { name: patch.name, value: patch.value ?? '' }];
    else result.push({ name: patch.name, value: patch.value ?? '' });
  }
  return result;
}

/** Returns patched copies of every entry (only the exchange's entries change). */
export function applyFixesToHar(entries: readonly HarEntryLike[], exchange: ReportExchange): HarEntryLike[] {
  const copy = entries.map((entry) => structuredClone(entry));
  const mine = exchange.entries.map((index) => ({ index, entry: copy[index] })).filter((item): item is { index: number; entry: HarEntryLike } => item.entry !== undefined);
  for (const finding of exchange.findings) {
    const fix = finding.fix;
    if (fix === null || fix.target === 'client' || finding.entry === null) continue;
    const at = copy[finding.entry];
    if (at === undefined) continue;
    const hop = mine.filter(({ entry }) => hopUrl(entry) === hopUrl(at));
    for (const { entry } of hop) {
      const preflight = isPreflight(entry);
      const applies = fix.target === 'all-responses' || (fix.target === 'preflight' ? preflight : !preflight);
      if (!applies) continue;
      entry.response.headers = applyHeaders(entry.response.headers, fix.headers);
      if (preflight && fix.status !== undefined) {
        entry.response.status = fix.status;
        entry.response.headers = entry.response.headers.filter((header) => header.name.toLowerCase() !== 'location');
        entry.response.redirectURL = '';
      }
      const location = fix.headers.find((patch) => patch.name.toLowerCase() === 'location' && patch.action === 'set');
      if (location !== undefined && entry.response.redirectURL) entry.response.redirectURL = location.value ?? '';
    }
  }
  for (const { entry } of mine) {
    if (entry.response.status <= 0 && !isPreflight(entry)) {
      const preflight = mine.find((item) => isPreflight(item.entry) && hopUrl(item.entry) === entry.request.url)?.entry;
      const carried = (preflight?.response.headers ?? []).filter((header) => ['access-control-allow-origin', 'access-control-allow-credentials'].includes(header.name.toLowerCase()));
      entry.response.status = 200;
      entry.response.headers = [...carried, ...entry.response.headers];
      // Fixes aimed at this never-sent response (target actual / all-responses) apply on top.
      for (const finding of exchange.findings) {
        const fix = finding.fix;
        if (fix === null || finding.entry === null || (fix.target !== 'actual' && fix.target !== 'all-responses')) continue;
        const at = copy[finding.entry];
        if (at !== undefined && hopUrl(at) === entry.request.url) entry.response.headers = applyHeaders(entry.response.headers, fix.headers);
      }
    }
    // Only the CORS failure belonged to the recorded headers; other net errors (an ad blocker, CORP) stay.
    if (entry.response._error === 'net::ERR_FAILED' || (entry.response._error === 'net::ERR_INVALID_REDIRECT' && !entry.response.redirectURL)) entry.response._error = null;
  }
  return copy;
}
