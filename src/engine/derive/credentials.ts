import { CORS_NET_ERROR } from '../spec/cors-errors.js';
import type { CorsError } from '../spec/cors-errors.js';
import type { CredentialsFacts, Exchange } from '../model/exchange.js';

/**
 * The HAR does not record the credentials mode. A Cookie header proves "include"; otherwise the observed
 * outcome decides between the two hypotheses when they predict different results (e.g. ACAO "*" on a
 * response that loaded fine means credentials were not included). With no evidence either way the
 * default of fetch() and XMLHttpRequest — no credentials cross-origin — is assumed and reported.
 */
export function inferCredentials(exchange: Exchange, predict: (candidate: Exchange) => CorsError | null): Exchange {
  if (exchange.credentials.basis !== 'assumed-default') return exchange;
  const withMode = (facts: CredentialsFacts): Exchange => ({ ...exchange, credentials: facts });
  const withoutCredentials = withMode({ mode: 'not-include', basis: 'assumed-default' });
  const withCredentials = withMode({ mode: 'include', basis: 'assumed-default' });
  const blockedWithout = predict(withoutCredentials) !== null;
  const blockedWith = predict(withCredentials) !== null;
  if (blockedWith === blockedWithout) return withoutCredentials;
  switch (exchange.outcome.kind) {
    case 'failed':
      // Only a CORS-shaped failure on a final response is evidence: other net errors have other causes,
      // and a failure at a redirect may be fetch's `redirect: 'error'` (measured: plain net::ERR_FAILED).
      if (exchange.outcome.error !== CORS_NET_ERROR || endsInRedirect(exchange)) return withoutCredentials;
      return withMode({ mode: blockedWith ? 'include' : 'not-include', basis: 'observed-outcome' });
    case 'succeeded':
      return withMode({ mode: blockedWith ? 'not-include' : 'include', basis: 'observed-outcome' });
    case 'not-recorded':
    case 'no-response':
      return withoutCredentials;
  }
}

function endsInRedirect(exchange: Exchange): boolean {
  return (exchange.hops[exchange.hops.length - 1]?.redirectTarget ?? null) !== null;
}
