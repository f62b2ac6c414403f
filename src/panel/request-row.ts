import type { HarEntry } from '../platform/har-source';

export type OriginKind = 'same-origin' | 'cross-origin' | 'unknown';

export interface RequestRow {
  /** Position in the capture; stable for the life of the row. */
  index: number;
  method: string;
  url: string;
  /** 0 when no response arrived. */
  status: number;
  /** Chromium's net error (net::ERR_FAILED, …), if any. */
  error: string | null;
  originKind: OriginKind;
  isPreflight: boolean;
}

/** Reads one HAR entry defensively: entries come from the page's traffic or from files, and may lack fields. */
export function toRequestRow(entry: HarEntry, index: number, pageOrigin: string | null): RequestRow {
  const request = entry?.request;
  const url = typeof request?.url === 'string' ? request.url : '';
  const status = typeof entry?.response?.status === 'number' ? entry.response.status : 0;
  const rawError = (entry?.response as { _error?: unknown } | undefined)?._error;
  return {
    index,
    method: typeof request?.method === 'string' ? request.method : '',
    url,
    status,
    error: typeof rawError === 'string' && rawError !== '' ? rawError : null,
    originKind: originKind(initiatorOrigin(entry, pageOrigin), url),
    isPreflight: (entry as { _resourceType?: unknown })?._resourceType === 'preflight',
  };
}

/** The Origin request header names the requesting origin exactly (frames included); the page is the fallback. */
function initiatorOrigin(entry: HarEntry, pageOrigin: string | null): string | null {
  const headers = Array.isArray(entry?.request?.headers) ? entry.request.headers : [];
  const originHeader = headers.find((header) => String(header?.name).toLowerCase() === 'origin')?.value;
  if (typeof originHeader === 'string' && originHeader !== 'null' && originHeader !== '') return originHeader;
  return pageOrigin;
}

function originKind(initiator: string | null, url: string): OriginKind {
  const target = originOfUrl(url);
  if (initiator === null || target === null) return 'unknown';
  return initiator === target ? 'same-origin' : 'cross-origin';
}

export function originOfUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}
