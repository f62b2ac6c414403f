import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, q, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'origins \'*\' with credentials: true raises at boot in rack-cors; list the origin.',
];

export const rails: StackPack = {
  id: 'rails',
  label: 'Rails (rack-cors)',
  language: 'ruby',
  traps: {
    'preflight-invalid-status': ['insert_before 0 puts Rack::Cors ahead of Warden/Devise and your before_action auth, which would otherwise answer the preflight 401.'],
    'missing-allow-origin': ['at position 0 Rack::Cors also wraps ActionDispatch::ShowExceptions, so 4xx/5xx error pages get the headers.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const methods = [...new Set(['get', 'head', 'post', 'options', ...needs.methods.map((m) => m.toLowerCase())])].map((m) => `:${m}`);
    const headers = needs.allowHeaders.length > 0 ? `[${needs.allowHeaders.map(q).join(', ')}]` : ':any';
    return joinLines([
      ...comment('#', 'Rails — gem "rack-cors" in the Gemfile, then config/initializers/cors.rb:'),
      ...comment('#', ruleNote(rule, needs)),
      ...comment('#', filledWith(needs)),
      'Rails.application.config.middleware.insert_before 0, Rack::Cors do',
      '  allow do',
      allowedOrigins(needs).length === 0 ? '    origins "*"' : `    origins ${originsList(needs)}`,
      `    resource "*", headers: ${headers}, methods: [${methods.join(', ')}]${needs.credentials ? ', credentials: true' : ''}${exposeHeadersOf(needs).length > 0 ? `, expose: [${exposeHeadersOf(needs).map(q).join(', ')}]` : ''}${maxAgeOf(needs) !== null ? `, max_age: ${maxAgeOf(needs) ?? 0}` : ''}`,
      '  end',
      'end',
      ...trapLines('#', rails, rule, ALWAYS, needs),
    ]);
  },
};
