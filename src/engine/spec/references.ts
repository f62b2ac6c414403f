/** Spec anchors and MDN pages, one place so links stay consistent across rules. */
export const FETCH_SPEC = {
  corsCheck: 'https://fetch.spec.whatwg.org/#cors-check',
  corsPreflightFetch: 'https://fetch.spec.whatwg.org/#cors-preflight-fetch',
  allowOrigin: 'https://fetch.spec.whatwg.org/#http-access-control-allow-origin',
  allowCredentials: 'https://fetch.spec.whatwg.org/#http-access-control-allow-credentials',
  corsProtocolAndCredentials: 'https://fetch.spec.whatwg.org/#cors-protocol-and-credentials',
  okStatus: 'https://fetch.spec.whatwg.org/#ok-status',
  httpRedirectFetch: 'https://fetch.spec.whatwg.org/#http-redirect-fetch',
  safelistedRequestHeader: 'https://fetch.spec.whatwg.org/#cors-safelisted-request-header',
  corsUnsafeNames: 'https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names',
  preflightCache: 'https://fetch.spec.whatwg.org/#concept-cache',
  networkError: 'https://fetch.spec.whatwg.org/#concept-network-error',
  corsProtocol: 'https://fetch.spec.whatwg.org/#http-cors-protocol',
} as const;

const MDN_CORS_ERRORS = 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors';

export const MDN = {
  cors: 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS',
  missingAllowOrigin: `${MDN_CORS_ERRORS}/CORSMissingAllowOrigin`,
  multipleAllowOrigin: `${MDN_CORS_ERRORS}/CORSMultipleAllowOriginNotAllowed`,
  allowOriginMismatch: `${MDN_CORS_ERRORS}/CORSAllowOriginNotMatchingOrigin`,
  wildcardWithCredentials: `${MDN_CORS_ERRORS}/CORSNotSupportingCredentials`,
  missingAllowCredentials: `${MDN_CORS_ERRORS}/CORSMIssingAllowCredentials`,
  preflightDidNotSucceed: `${MDN_CORS_ERRORS}/CORSPreflightDidNotSucceed`,
  externalRedirectNotAllowed: `${MDN_CORS_ERRORS}/CORSExternalRedirectNotAllowed`,
  invalidAllowMethods: `${MDN_CORS_ERRORS}/CORSInvalidAllowMethod`,
  invalidAllowHeaders: `${MDN_CORS_ERRORS}/CORSInvalidAllowHeader`,
  methodNotFound: `${MDN_CORS_ERRORS}/CORSMethodNotFound`,
  missingAllowHeader: `${MDN_CORS_ERRORS}/CORSMissingAllowHeaderFromPreflight`,
  requestNotHttp: `${MDN_CORS_ERRORS}/CORSRequestNotHttp`,
  didNotSucceed: `${MDN_CORS_ERRORS}/CORSDidNotSucceed`,
  preflightCache: 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Max-Age',
  credentials: 'https://developer.mozilla.org/en-US/docs/Web/API/Request/credentials',
} as const;
