import type { CorsNeeds } from '../needs.js';
import { comment, filledWith, joinLines, q, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'an unhandled exception\'s 500 comes from ServerErrorMiddleware, outside CORSMiddleware, so it has no CORS headers: raise HTTPException or add an exception handler for expected errors.',
];

export const fastapi: StackPack = {
  id: 'fastapi',
  label: 'FastAPI (CORSMiddleware)',
  language: 'python',
  traps: {
    'preflight-invalid-status': ['a dependency or middleware that checks auth must let OPTIONS through; add CORSMiddleware last (it then wraps the others and answers the preflight first).'],
    'wildcard-origin-with-credentials': ['allow_origins=["*"] with allow_credentials=True is not what the browser needs; list the origin.'],
  },
  render: (needs: CorsNeeds, rule) => {
    return joinLines([
      ...comment('#', 'FastAPI — in main.py after app = FastAPI(); add it after your other middleware so it runs first.'),
      ...comment('#', ruleNote(rule, needs)),
      ...comment('#', filledWith(needs)),
      'from fastapi.middleware.cors import CORSMiddleware',
      '',
      'app.add_middleware(',
      '    CORSMiddleware,',
      `    allow_origins=[${q(needs.origin)}],`,
      ...(needs.credentials ? ['    allow_credentials=True,'] : []),
      ...(needs.methods.length > 0 ? [`    allow_methods=["GET", "HEAD", "POST", ${qList(needs.methods)}],`] : []),
      ...(needs.allowHeaders.length > 0 ? [`    allow_headers=[${qList(needs.allowHeaders)}],`] : []),
      ')',
      ...trapLines('#', fastapi, rule, ALWAYS, needs),
    ]);
  },
};
