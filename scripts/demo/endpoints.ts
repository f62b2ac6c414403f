// The demo API: each endpoint fails (or passes) CORS in one typical way. The demo page calls every one.
export interface DemoEndpoint {
  /** Path on the API origin. */
  path: string;
  /** What the page's fetch() sends. */
  method: string;
  requestHeaders?: Record<string, string>;
  credentials?: 'omit' | 'include';
  body?: string;
  /** Which API origin serves it. */
  api: 'primary' | 'secondary';
  /** What the server answers an OPTIONS preflight with (null: the route does not exist, 404). */
  preflight: null | { status: number; headers: (pageOrigin: string) => Record<string, string> };
  /** What the server answers the request itself with. */
  response: { status: number; headers: (pageOrigin: string) => Record<string, string> };
  /** What a newcomer should see in the panel. */
  expectation: 'allowed' | 'blocked';
  description: string;
}

const json = { 'Content-Type': 'application/json' };

export const DEMO_ENDPOINTS: readonly DemoEndpoint[] = [
  {
    path: '/api/public',
    method: 'GET',
    api: 'primary',
    preflight: null,
    response: { status: 200, headers: (origin) => ({ ...json, 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }) },
    expectation: 'allowed',
    description: 'simple GET, origin allowed',
  },
  {
    path: '/api/no-allow-origin',
    method: 'GET',
    api: 'primary',
    preflight: null,
    response: { status: 200, headers: () => ({ ...json }) },
    expectation: 'blocked',
    description: 'response without Access-Control-Allow-Origin',
  },
  {
    path: '/api/wildcard-with-credentials',
    method: 'GET',
    credentials: 'include',
    api: 'primary',
    preflight: null,
    response: { status: 200, headers: () => ({ ...json, 'Access-Control-Allow-Origin': '*' }) },
    expectation: 'blocked',
    description: 'credentialed request answered with Access-Control-Allow-Origin: *',
  },
  {
    path: '/api/items/42',
    method: 'DELETE',
    api: 'primary',
    preflight: null,
    response: { status: 204, headers: (origin) => ({ 'Access-Control-Allow-Origin': origin }) },
    expectation: 'blocked',
    description: 'DELETE whose preflight hits a missing OPTIONS route (404)',
  },
  {
    path: '/api/items/7',
    method: 'PATCH',
    requestHeaders: json,
    body: '{"done":true}',
    api: 'primary',
    preflight: {
      status: 204,
      headers: (origin) => ({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'Content-Type',
      }),
    },
    response: { status: 200, headers: (origin) => ({ ...json, 'Access-Control-Allow-Origin': origin }) },
    expectation: 'blocked',
    description: 'PATCH not listed in Access-Control-Allow-Methods',
  },
  {
    path: '/api/report',
    method: 'POST',
    requestHeaders: { ...json, 'X-Request-Id': 'demo-123' },
    body: '{"hello":"world"}',
    api: 'secondary',
    preflight: {
      status: 204,
      headers: (origin) => ({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Content-Type',
      }),
    },
    response: { status: 201, headers: (origin) => ({ ...json, 'Access-Control-Allow-Origin': origin }) },
    expectation: 'blocked',
    description: 'custom header X-Request-Id not listed in Access-Control-Allow-Headers',
  },
  {
    path: '/api/orders',
    method: 'PUT',
    requestHeaders: json,
    body: '{"qty":1}',
    api: 'secondary',
    preflight: {
      status: 204,
      headers: (origin) => ({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, PUT',
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      }),
    },
    response: { status: 200, headers: (origin) => ({ ...json, 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }) },
    expectation: 'allowed',
    description: 'preflighted PUT, allowed',
  },
];
