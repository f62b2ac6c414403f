import type { HarEntry } from '../../src/platform/har-source';

export interface EntryShape {
  method?: string;
  url: string;
  status?: number;
  startedDateTime?: string;
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  error?: string;
  resourceType?: string;
}

/** A HAR entry shaped like Chromium's, with only what a test cares about spelled out. */
export function harEntry(shape: EntryShape): HarEntry {
  const toList = (headers: Record<string, string> = {}) => Object.entries(headers).map(([name, value]) => ({ name, value }));
  const entry = {
    startedDateTime: shape.startedDateTime ?? '2026-11-21T10:00:00.000Z',
    time: 10,
    request: {
      method: shape.method ?? 'GET',
      url: shape.url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: toList(shape.requestHeaders),
      queryString: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: shape.status ?? 200,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: toList(shape.responseHeaders),
      content: { size: 0, mimeType: 'text/plain' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
      _error: shape.error ?? null,
    },
    cache: {},
    timings: { send: 0, wait: 5, receive: 5 },
    _resourceType: shape.resourceType ?? 'fetch',
  };
  return entry as unknown as HarEntry;
}
