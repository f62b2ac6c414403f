import { CORS_NET_ERROR } from '../spec/cors-errors.js';
import type { CredentialsFacts, Exchange } from '../model/exchange.js';
import type { Prediction } from '../rules/run.js';

/**
 * The HAR does not record the credentials mode. A Cookie header proves "include"; otherwise the observed
 * outcome decides between the two hypotheses when they predict different results (e.g. ACAO "*" on a
 * response that loaded fine means credentials were not included). With no evidence either way the
 * default of fetch() and XMLHttpRequest — no credentials cross-origin — is assumed and reported.
 */
export function inferCredentials(exchange: Exchange, predict: (candidate: Exchange) => Prediction): Exchange {
  if (exchange.credentials.basis !== 'assumed-default') return exchange;
  // A copy shares the list of steps, which lets replay() reuse the step replay of the hypothesis it keeps.
  const withMode = (credentials: CredentialsFacts): Exchange => ({ ...exchange, credentials });
  // classify gives every undecided exchange the default facts, so the exchange itself is that hypothesis.
  const withoutCredentials = exchange.credentials.mode === 'not-include' ? exchange : withMode({ mode: 'not-include', basis: 'assumed-default' });
  // Only an outcome that can be evidence is worth the two replays below.
  if (!outcomeIsEvidence(exchange)) return withoutCredentials;
  const without = predict(withoutCredentials);
  // No check read the mode, so with credentials every check would run and decide the same way.
  if (!without.readCredentials) return withoutCredentials;
  const blockedWithout = without.corsError !== null;
  const blockedWith = without.blocksVariant(withMode({ mode: 'include', basis: 'assumed-default' }));
  if (blockedWith === blockedWithout) return withoutCredentials;
  return exchange.outcome.kind === 'succeeded'
    ? withMode({ mode: blockedWith ? 'not-include' : 'include', basis: 'observed-outcome' })
    : withMode({ mode: blockedWith ? 'include' : 'not-include', basis: 'observed-outcome' });
}

/**
 * A delivered response, or a CORS-shaped failure on a final response. Other net errors have other causes, and
 * a failure at a redirect may be fetch's `redirect: 'error'` (measured: plain net::ERR_FAILED).
 */
function outcomeIsEvidence(exchange: Exchange): boolean {
  switch (exchange.outcome.kind) {
    case 'succeeded':
      return true;
    case 'failed':
      return exchange.outcome.error === CORS_NET_ERROR && !endsInRedirect(exchange) && !failedUnseenInWorker(exchange);
    case 'not-recorded':
    case 'no-response':
      return false;
  }
}

function endsInRedirect(exchange: Exchange): boolean {
  return (exchange.hops[exchange.hops.length - 1]?.redirectTarget ?? null) !== null;
}

/**
 * A worker's request whose final response Chromium did not record (status 0): the response that failed is not
 * in the capture, so a credentials hypothesis that fails at an earlier, recorded response (the preflight, a
 * redirect hop) explains nothing — the failure may as well be at the unseen response with either mode.
 */
function failedUnseenInWorker(exchange: Exchange): boolean {
  if (exchange.worker === null) return false;
  const status = exchange.hops[exchange.hops.length - 1]?.entry.response?.status ?? 0;
  return status <= 0;
}
