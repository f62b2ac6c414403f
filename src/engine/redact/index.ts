export { redactHar } from './har.js';
export type { ExportedHar, Redaction, RedactOptions, RedactResult } from './har.js';
export { REDACTED, REDACTED_IN_URL, headerTreatment, isSecretName, looksLikeSecret, redactHeaderValue, redactParam, redactUrl } from './patterns.js';
export type { HeaderTreatment } from './patterns.js';
