import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'REST APIs ("Enable CORS" in the console) only add an OPTIONS mock; with Lambda proxy integration the function must return Access-Control-Allow-Origin itself on every response, errors included.',
  'errors produced by API Gateway (401 from an authorizer, 403 Missing Authentication Token, 5xx) need the headers in Gateway Responses DEFAULT_4XX / DEFAULT_5XX.',
];

export const awsApiGateway: StackPack = {
  id: 'aws-api-gateway',
  label: 'AWS API Gateway (HTTP API)',
  language: 'shell',
  traps: {
    'preflight-invalid-status': ['with an HTTP API, do not add an "ANY /{proxy+}" route with an authorizer that also catches OPTIONS: configured CORS answers preflights only when no route matches OPTIONS.'],
    'multiple-allow-origin-values': ['when the API has a CORS configuration, API Gateway overwrites the integration\'s CORS headers; do not set them in both places with different values.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const config = {
      AllowOrigins: allowedOrigins(needs).length === 0 ? ['*'] : [...allowedOrigins(needs)],
      ...(needs.credentials ? { AllowCredentials: true } : {}),
      AllowMethods: ['GET', 'HEAD', 'POST', ...needs.methods.filter((m) => !['GET', 'HEAD', 'POST'].includes(m))],
      ...(needs.allowHeaders.length > 0 ? { AllowHeaders: [...needs.allowHeaders] } : {}),
      ...(exposeHeadersOf(needs).length > 0 ? { ExposeHeaders: [...exposeHeadersOf(needs)] } : {}),
      MaxAge: maxAgeOf(needs) ?? 600,
    };
    return joinLines([
      ...comment('#', 'AWS API Gateway (HTTP API) — set the API\'s CORS configuration (console: API → CORS, or the CLI below; SAM/CloudFormation: CorsConfiguration with the same fields).'),
      ...comment('#', ruleNote(rule, needs)),
      ...comment('#', filledWith(needs)),
      `aws apigatewayv2 update-api --api-id YOUR_API_ID --cors-configuration '${JSON.stringify(config)}'`,
      ...trapLines('#', awsApiGateway, rule, ALWAYS, needs),
    ]);
  },
};
