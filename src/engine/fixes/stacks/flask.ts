import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'flask-cors defaults to origins="*", and with supports_credentials=True it then reflects any Origin: every site could read your users\' data. List the origin.',
];

export const flask: StackPack = {
  id: 'flask',
  label: 'Flask (flask-cors)',
  language: 'python',
  traps: {
    'preflight-invalid-status': ['a @app.before_request auth check runs for OPTIONS too and answers the preflight 401: register answer_cors_preflight (above) before it, or return early there when request.method == "OPTIONS".'],
    'missing-allow-origin': ['an errorhandler that builds a fresh response still passes through flask-cors\' after_request; a crash in debug mode (the Werkzeug debugger page) does not.'],
  },
  render: (needs: CorsNeeds, rule) => {
    const args = [
      'app',
      allowedOrigins(needs).length === 0 ? 'origins="*"' : `origins=[${originsList(needs)}]`,
      ...(needs.credentials ? ['supports_credentials=True'] : []),
      ...(needs.methods.length > 0 ? [`methods=["GET", "HEAD", "POST", ${qList(needs.methods)}]`] : []),
      ...(needs.allowHeaders.length > 0 ? [`allow_headers=[${qList(needs.allowHeaders)}]`] : []),
      ...(exposeHeadersOf(needs).length > 0 ? [`expose_headers=[${qList(exposeHeadersOf(needs))}]`] : []),
      ...(maxAgeOf(needs) !== null ? [`max_age=${maxAgeOf(needs) ?? 0}`] : []),
    ];
    return joinLines([
      ...comment('#', 'Flask — pip install flask-cors. Where the Flask app is created (app = Flask(__name__)), before registering blueprints.'),
      ...comment('#', ruleNote(rule, needs)),
      ...comment('#', filledWith(needs)),
      ...(needs.preflight ? ['from flask import request'] : []),
      'from flask_cors import CORS',
      '',
      `CORS(${args.join(', ')})`,
      ...(needs.preflight
        ? [
            '',
            '',
            '# Preflights carry no credentials: answer them before any auth check (register this before yours);',
            '# flask-cors adds the CORS headers to this response.',
            '@app.before_request',
            'def answer_cors_preflight():',
            '    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:',
            '        return app.make_default_options_response()',
          ]
        : []),
      ...trapLines('#', flask, rule, ALWAYS, needs),
    ]);
  },
};
