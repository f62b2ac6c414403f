import type { CorsNeeds } from '../needs.js';
import { allowedOrigins, exposeHeadersOf, maxAgeOf } from '../needs.js';
import { comment, filledWith, joinLines, originsList, qList, ruleNote, trapLines, type StackPack } from '../kit.js';

const ALWAYS = [
  'an unhandled exception\'s 500 comes from ServerErrorMiddleware, outside CORSMiddleware, so it has no CORS headers: raise HTTPException for expected errors; the snippet adds a middleware inside CORSMiddleware for the others when the capture shows an error.',
];

export const fastapi: StackPack = {
  id: 'fastapi',
  label: 'FastAPI (CORSMiddleware)',
  language: 'python',
  traps: {
    'preflight-invalid-status': ['a dependency or middleware that checks auth must let OPTIONS through; add CORSMiddleware last (it then wraps the others and answers the preflight first).'],
    'wildcard-origin-with-credentials': ['allow_origins=["*"] with allow_credentials=True makes Starlette reflect the Origin of any request with cookies: every site could read your users\' data. List the origin.'],
  },
  render: (needs: CorsNeeds, rule) => {
    return joinLines([
      ...comment('#', 'FastAPI — in main.py after app = FastAPI(); add it after your other middleware so it runs first.'),
      ...comment('#', ruleNote(rule, needs)),
      ...comment('#', filledWith(needs)),
      ...(needs.errorStatus !== null ? ['from fastapi.responses import JSONResponse'] : []),
      'from fastapi.middleware.cors import CORSMiddleware',
      '',
      ...(needs.errorStatus !== null
        ? [
            ...comment('#', `The ${needs.errorStatus} error reached the page without CORS headers: unhandled exceptions are answered by Starlette's ServerErrorMiddleware, outside CORSMiddleware. This middleware turns them into a 500 inside it.`),
            '@app.middleware("http")',
            'async def errors_inside_cors(request, call_next):',
            '    try:',
            '        return await call_next(request)',
            '    except Exception:',
            '        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)',
            '',
            '',
          ]
        : []),
      'app.add_middleware(',
      '    CORSMiddleware,',
      allowedOrigins(needs).length === 0 ? '    allow_origins=["*"],' : `    allow_origins=[${originsList(needs)}],`,
      ...(needs.credentials ? ['    allow_credentials=True,'] : []),
      ...(needs.methods.length > 0 ? [`    allow_methods=["GET", "HEAD", "POST", ${qList(needs.methods)}],`] : []),
      ...(needs.allowHeaders.length > 0 ? [`    allow_headers=[${qList(needs.allowHeaders)}],`] : []),
      ...(exposeHeadersOf(needs).length > 0 ? [`    expose_headers=[${qList(exposeHeadersOf(needs))}],`] : []),
      ...(maxAgeOf(needs) !== null ? [`    max_age=${maxAgeOf(needs) ?? 0},`] : []),
      ')',
      ...trapLines('#', fastapi, rule, ALWAYS, needs),
    ]);
  },
};
