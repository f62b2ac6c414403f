// Synthetic captures with the mix of a busy single-page app: mostly same-origin assets and API calls, about
// 30% cross-origin (simple requests, preflighted ones with their OPTIONS, redirects across origins, some
// blocked), every entry with a realistic, large header set. Deterministic for a given size and seed.

const PAGE = 'https://app.example.com';
const APIS = ['https://api.example.com', 'https://cdn.example.net', 'https://auth.example.org', 'https://metrics.example.io'];

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Header {
  name: string;
  value: string;
}

const commonRequestHeaders = (referer: string): Header[] => [
  { name: 'Accept', value: 'application/json, text/plain, */*' },
  { name: 'Accept-Encoding', value: 'gzip, deflate, br, zstd' },
  { name: 'Accept-Language', value: 'en-US,en;q=0.9,fr;q=0.8' },
  { name: 'Cache-Control', value: 'no-cache' },
  { name: 'Connection', value: 'keep-alive' },
  { name: 'Pragma', value: 'no-cache' },
  { name: 'Referer', value: referer },
  { name: 'sec-ch-ua', value: '"Chromium";v="156", "Not-A.Brand";v="24"' },
  { name: 'sec-ch-ua-mobile', value: '?0' },
  { name: 'sec-ch-ua-platform', value: '"Linux"' },
  { name: 'User-Agent', value: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36' },
];

const commonResponseHeaders = (length: number): Header[] => [
  { name: 'Cache-Control', value: 'private, max-age=0, must-revalidate' },
  { name: 'Content-Length', value: String(length) },
  { name: 'Content-Type', value: 'application/json; charset=utf-8' },
  { name: 'Date', value: 'Sat, 21 Nov 2026 10:00:00 GMT' },
  { name: 'ETag', value: `W/"${length.toString(16)}-a1b2c3d4e5f6"` },
  { name: 'Server', value: 'nginx/1.22.1' },
  { name: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains; preload' },
  { name: 'X-Content-Type-Options', value: 'nosniff' },
  { name: 'X-Request-Id', value: `req-${length}-0f3e2d1c` },
];

function entry(method: string, url: string, status: number, time: number, requestHeaders: Header[], responseHeaders: Header[], extra: Record<string, unknown> = {}) {
  return {
    startedDateTime: new Date(Date.UTC(2026, 10, 21, 10, 0, 0) + time).toISOString(),
    time: 20 + (time % 50),
    request: { method, url, httpVersion: 'http/2.0', headers: requestHeaders, queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
    response: {
      status, statusText: '', httpVersion: 'http/2.0', headers: responseHeaders, cookies: [],
      content: { size: 512, mimeType: 'application/json' }, redirectURL: '', headersSize: -1, bodySize: 512, _transferSize: 812, _error: null,
    },
    cache: {},
    timings: { blocked: 1, dns: -1, ssl: -1, connect: -1, send: 0.2, wait: 15, receive: 2 },
    serverIPAddress: '203.0.113.10',
    _initiator: { type: 'script' },
    _priority: 'High',
    _resourceType: 'fetch',
    ...extra,
  };
}

/** A HAR `{log}` with exactly `size` entries. */
export function syntheticHar(size: number, seed = 1): { log: { version: string; creator: { name: string; version: string }; pages: unknown[]; entries: unknown[] } } {
  const next = random(seed);
  const entries: unknown[] = [];
  let clock = 0;
  while (entries.length < size) {
    clock += 3 + Math.floor(next() * 10);
    const roll = next();
    const id = entries.length;
    if (roll < 0.7) {
      // Same-origin: assets and the app's own API.
      entries.push(entry('GET', `${PAGE}/static/chunk-${id % 400}.js?v=${id}`, 200, clock, commonRequestHeaders(`${PAGE}/`), commonResponseHeaders(1000 + id), {
        _resourceType: 'script',
      }));
      continue;
    }
    const api = APIS[Math.floor(next() * APIS.length)] as string;
    const cors = [...commonRequestHeaders(`${PAGE}/`), { name: 'Origin', value: PAGE }, { name: 'Sec-Fetch-Mode', value: 'cors' }, { name: 'Sec-Fetch-Site', value: 'cross-site' }];
    const allow = [{ name: 'Access-Control-Allow-Origin', value: PAGE }, { name: 'Vary', value: 'Origin' }];
    if (roll < 0.82) {
      // Simple cross-origin GET; one in ten misses Access-Control-Allow-Origin and is blocked.
      const blocked = next() < 0.1;
      entries.push(entry('GET', `${api}/v1/items/${id}`, 200, clock, cors, [...commonResponseHeaders(700), ...(blocked ? [] : allow)], blocked ? { response: undefined } : {}));
      if (blocked) (entries.at(-1) as { response: unknown }).response = { ...entry('GET', '', 200, clock, [], commonResponseHeaders(700)).response, _error: 'net::ERR_FAILED' };
      continue;
    }
    if (roll < 0.95 && entries.length + 2 <= size) {
      // Preflighted PUT with a custom header: the actual entry first, its OPTIONS just after (Chromium's order).
      const url = `${api}/v1/orders/${id}`;
      const preflightHeaders = [...cors, { name: 'Access-Control-Request-Method', value: 'PUT' }, { name: 'Access-Control-Request-Headers', value: 'content-type,x-request-id' }];
      const allowPreflight = [...allow, { name: 'Access-Control-Allow-Methods', value: 'GET, PUT, DELETE' }, { name: 'Access-Control-Allow-Headers', value: 'Content-Type, X-Request-Id' }, { name: 'Access-Control-Max-Age', value: '600' }];
      entries.push(entry('PUT', url, 200, clock, [...cors, { name: 'Content-Type', value: 'application/json' }, { name: 'X-Request-Id', value: `r${id}` }], [...commonResponseHeaders(300), ...allow]));
      entries.push(entry('OPTIONS', url, 204, clock + 1, preflightHeaders, [...commonResponseHeaders(0), ...allowPreflight], {
        _resourceType: 'preflight', _initiator: { type: 'preflight', url, requestId: `${id}.1` },
      }));
      continue;
    }
    if (entries.length + 2 <= size) {
      // A cross-origin redirect (302) to another API origin, then the final hop with Origin: null.
      const from = `${api}/v1/files/${id}`;
      const to = `${APIS[(APIS.indexOf(api) + 1) % APIS.length]}/blob/${id}`;
      entries.push(entry('GET', from, 302, clock, cors, [...commonResponseHeaders(0), ...allow, { name: 'Location', value: to }], {
        response: { ...entry('GET', from, 302, clock, [], [...commonResponseHeaders(0), ...allow, { name: 'Location', value: to }]).response, redirectURL: to },
      }));
      entries.push(entry('GET', to, 200, clock + 5, cors.map((header) => (header.name === 'Origin' ? { name: 'Origin', value: 'null' } : header)), [...commonResponseHeaders(900), { name: 'Access-Control-Allow-Origin', value: '*' }]));
      continue;
    }
    entries.push(entry('GET', `${PAGE}/api/me`, 200, clock, commonRequestHeaders(`${PAGE}/`), commonResponseHeaders(100)));
  }
  return { log: { version: '1.2', creator: { name: 'cors-lens-bench', version: '1' }, pages: [], entries } };
}
