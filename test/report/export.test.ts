import { describe, expect, it } from 'vitest';
import {
  HTML_CSP, buildExportDocument, escapeHtml, exportReport, mdCode, mdFence, mdText, reportToHtml, reportToMarkdown,
  shellQuote, type ExportDocument, type Finding,
} from '../../src/engine/index.js';
import { PAGE, exchange, har } from '../fixtures/builders.js';
import { hostileHar, hostilePayloads } from './fixtures/hostile.js';

const AT = '2024-05-01T12:00:00.000Z';
const BEACON = 'http://127.0.0.1:9/beacon';
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;

function demoHar() {
  return har([
    ...exchange({ method: 'PUT', headers: { 'Content-Type': 'application/json' } }).preflight({ status: 404 }).actual({ notSent: true }).entries(),
    ...exchange({ at: 100, url: 'https://api.example.net/ok' }).actual({ acao: '*' }).entries(),
    ...exchange({ at: 200, url: 'https://api.example.net/creds', cookie: 'sid=1' }).actual({ acao: '*', error: 'net::ERR_FAILED' }).entries(),
  ]);
}

function documentOf(input: unknown, options: Parameters<typeof buildExportDocument>[1] = {}): ExportDocument {
  const result = buildExportDocument(input, { generatedAt: AT, ...options });
  if (!result.ok) throw new Error(result.error.message);
  return result.document;
}

/** Markdown with fenced blocks and code spans removed (CommonMark: a span closes at a run of equal length). */
function outsideCode(markdown: string): string {
  const withoutFences = markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
  let result = '';
  let i = 0;
  while (i < withoutFences.length) {
    if (withoutFences[i] === '\\') {
      result += withoutFences.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (withoutFences[i] !== '`') {
      result += withoutFences[i];
      i++;
      continue;
    }
    const run = /^`+/.exec(withoutFences.slice(i))?.[0] ?? '`';
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    close.lastIndex = i + run.length;
    const found = close.exec(withoutFences);
    if (found === null) throw new Error(`unclosed code span at ${i}`);
    result += 'CODE';
    i = found.index + run.length;
  }
  return result;
}

describe('Markdown export', () => {
  it('has a summary table, a section per blocked exchange, its fix and curl', () => {
    const markdown = reportToMarkdown(documentOf(demoHar()));
    expect(markdown).toMatch(/^# CORS Lens report\n/);
    expect(markdown).toMatch(/^\| 3 \| 3 \| 2 \| 1 \| 0 \| \d+ \|$/m);
    expect(markdown).toContain('| ex-0 | ⛔ blocked | `PUT` | `https://api.example.net/items` | `PreflightMissingAllowOriginHeader` |');
    expect(markdown.match(/^## ⛔ /gm)).toHaveLength(2);
    expect(markdown).not.toMatch(/^## ✅/m);
    expect(markdown).toContain('```http\nAccess-Control-Allow-Origin: https://app.example\nVary: Origin\n```');
    expect(markdown).toContain("```sh\ncurl -i -X OPTIONS https://api.example.net/items \\\n  -H 'Origin: https://app.example'");
    expect(markdown).toContain("curl -i https://api.example.net/creds \\\n  -H 'Origin: https://app.example'");
    expect(markdown).toContain("-H 'Cookie: [REDACTED]'");
    expect(markdown).toContain('[MDN](https://developer.mozilla.org/');
  });

  it('renders capture values inert: no HTML, links, images, table breaks or invisible characters', () => {
    for (const redact of [true, false]) {
      const markdown = reportToMarkdown(documentOf(hostileHar(BEACON), { redact }));
      expect(markdown).not.toMatch(INVISIBLE);
      expect(markdown).toContain('\\u202E');
      expect(markdown).toContain('\\u001B');
      const prose = outsideCode(markdown).replace(/\[(Fetch standard|MDN)\]\(https:\/\/(fetch\.spec\.whatwg\.org|developer\.mozilla\.org)\/[^)\s]*\)/g, 'LINK');
      expect(prose).not.toMatch(/(?<!\\)[<[\]]/);
      expect(prose).not.toMatch(/(?<!\\)\]\(/);
      // Every table row keeps its column count.
      for (const line of markdown.split('\n').filter((row) => row.startsWith('| ex-'))) {
        expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(7);
      }
    }
  });

  it('escapes helpers: code spans outgrow backtick runs, prose escapes syntax, fences outgrow backticks', () => {
    expect(mdCode('a``b')).toBe('```a``b```');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdCode('a|b', true)).toBe('`a\\|b`');
    expect(mdText('[x](javascript:y) <b> *e* @team #1')).toBe('\\[x\\](javascript:y) \\<b\\> \\*e\\* \\@team \\#1');
    expect(mdText('see https://evil.example/<x> now')).toBe('see `https://evil.example/<x>` now');
    expect(mdText('1. not a list')).toBe('1\\. not a list');
    expect(mdFence('a ````` b', 'sh')).toBe('``````sh\na ````` b\n``````');
  });

  it('shows the snippet of the chosen stack when the fix has snippets, and says when there is none', () => {
    const base = documentOf(demoHar(), { stack: 'express' });
    const withSnippets: ExportDocument = {
      ...base,
      report: {
        ...base.report,
        exchanges: base.report.exchanges.map((item) => ({
          ...item,
          findings: item.findings.map((finding): Finding => (finding.fix === null ? finding : {
            ...finding,
            fix: { ...finding.fix, snippets: [{ stack: 'express', code: "app.use(cors({ origin: 'https://app.example' }))", verified: true, verifiedAgainst: 'Express 5.3.0, cors 2.8.6, in Chromium 156' }, { stack: 'nginx', code: 'add_header X 1;', verified: false, verifiedAgainst: null }] } as Finding['fix'],
          })),
        })),
      },
    };
    const markdown = reportToMarkdown(withSnippets);
    expect(markdown).toContain("**express** (run-verified against Express 5.3.0, cors 2.8.6, in Chromium 156):\n\n```javascript\napp.use(cors({ origin: 'https://app.example' }))\n```");
    expect(markdown).not.toContain('add_header');
    const unchosen = reportToMarkdown({ ...withSnippets, export: { ...withSnippets.export, stack: null } });
    expect(unchosen).not.toContain('add_header X 1;');
    expect(unchosen).toContain('Server snippets exist for `express`, `nginx`: export with a server stack chosen to include one.');
    expect(reportToHtml(withSnippets)).toContain('<pre class="snippet">app.use(cors({ origin: &#39;https://app.example&#39; }))</pre>');
    expect(reportToMarkdown({ ...withSnippets, export: { ...withSnippets.export, stack: 'aws-s3' } })).toContain('No `aws-s3` snippet for this fix.');
  });
});

describe('HTML export', () => {
  it('is one self-contained file: strict CSP, inline CSS, no script, no external resources, light and dark', () => {
    const html = reportToHtml(documentOf(demoHar()));
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`);
    expect(HTML_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).toContain('data-exchange="ex-0"');
  });

  it('escapes every capture value and links only to the spec and MDN', () => {
    for (const redact of [true, false]) {
      const html = reportToHtml(documentOf(hostileHar(BEACON), { redact }));
      expect(html).not.toMatch(/<script|<img|<svg|<iframe|<meta http-equiv="refresh"|<b>|<style>body/i);
      expect(html.match(/<link|<style/gi)).toEqual(['<style']);
      expect(html).not.toMatch(INVISIBLE);
      expect(html).toContain('\\u202E');
      const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1] ?? '');
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect(href).toMatch(/^https:\/\/(fetch\.spec\.whatwg\.org|developer\.mozilla\.org)\//);
      expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
    }
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  });
});

describe('one configuration per server, as code', () => {
  // Two pages call one API: A's GET gets no Allow-Origin, B's PUT is not in Allow-Methods.
  const twoPages = () => har([
    ...exchange({ url: 'https://api.example.net/v1/a' }).actual({ error: 'net::ERR_FAILED' }).entries(),
    ...exchange({ at: 100, origin: 'https://other.example', method: 'PUT', url: 'https://api.example.net/v1/b' }).preflight({ acao: 'https://other.example', acam: 'GET' }).actual({ notSent: true }).entries(),
  ]);
  const list = `origin: ["${PAGE}", "https://other.example"]`;

  it('Markdown: the chosen stack\'s snippet under the server\'s lines, none without a stack', () => {
    const markdown = reportToMarkdown(documentOf(twoPages(), { stack: 'express' }));
    const section = markdown.slice(markdown.indexOf('## One configuration per server'), markdown.indexOf('## Problems'));
    expect(section).toContain('**express** (');
    expect(section).toContain(list);
    expect(reportToMarkdown(documentOf(twoPages())).slice(0, markdown.indexOf('## Problems'))).not.toContain(list);
    const nginx = reportToMarkdown(documentOf(twoPages(), { stack: 'nginx' }));
    expect(nginx.slice(nginx.indexOf('## One configuration per server'), nginx.indexOf('## Problems'))).toContain('map $http_origin $cors_allow_origin {');
  });

  it('HTML: the chosen stack\'s snippet in the server\'s section, escaped', () => {
    const html = reportToHtml(documentOf(twoPages(), { stack: 'express' }));
    const section = html.slice(html.indexOf('<h2>One configuration per server</h2>'), html.indexOf('<h2>Problems</h2>'));
    expect(section).toContain('<pre class="snippet">');
    expect(section).toContain('origin: [&quot;');
    expect(section).toContain('https://other.example&quot;]');
  });
});

describe('JSON export', () => {
  it('is cors-lens/report@2 plus an export object with the redacted HAR', () => {
    const result = exportReport(demoHar(), { format: 'json', generatedAt: AT, sourceName: 'demo.har', sourceKind: 'file' });
    if (!result.ok) throw new Error(result.error.message);
    const json = JSON.parse(result.content) as Record<string, unknown> & { export: Record<string, unknown> & { har: { log: Record<string, unknown> & { entries: unknown[] } } } };
    expect(json.schema).toBe('cors-lens/report@2');
    expect(json.source).toEqual({ kind: 'file', name: 'demo.har', creator: 'WebInspector 537.36' });
    expect(Object.keys(json.export)).toEqual(['generatedAt', 'scope', 'stack', 'redacted', 'redactions', 'har']);
    expect(json.export).toMatchObject({ generatedAt: AT, scope: { kind: 'capture' }, stack: null, redacted: true, redactions: [{ where: 'request header', name: 'cookie', count: 1 }] });
    expect(json.export.har.log).toMatchObject({ version: '1.2', creator: { name: 'WebInspector', version: '537.36' } });
    expect(json.export.har.log.entries).toHaveLength(4);
    expect(result.mimeType).toBe('application/json;charset=utf-8');
    expect(result.filename).toBe('cors-lens-report-2024-05-01.json');
  });

  it('writes each exchange compact on a line of its own, the rest indented', () => {
    const result = exportReport(demoHar(), { format: 'json', generatedAt: AT });
    if (!result.ok) throw new Error(result.error.message);
    const json = JSON.parse(result.content) as { exchanges: Array<{ id: string }> };
    const lines = result.content.split('\n');
    expect(json.exchanges.length).toBeGreaterThan(1);
    for (const exchange of json.exchanges) {
      const line = lines.find((text) => text.startsWith(`    {"id":${JSON.stringify(exchange.id)},`));
      expect(line, exchange.id).toBeDefined();
      expect(JSON.parse((line ?? '').trim().replace(/,$/, ''))).toEqual(exchange);
    }
    expect(lines).toContain('  "summary": {');
  });

  it('writes bidi characters as escapes, still valid JSON', () => {
    const result = exportReport(hostileHar(BEACON), { format: 'json', generatedAt: AT, redact: false });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.content).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
    expect(JSON.stringify(JSON.parse(result.content))).toContain('\u202E');
  });
});

describe('every export', () => {
  it('is deterministic: same input and options, same bytes; generatedAt is the only time', () => {
    // The builders number request ids globally: build the capture once, copy it for each run.
    const capture = JSON.stringify(demoHar());
    for (const format of ['md', 'html', 'json', 'text'] as const) {
      const first = exportReport(JSON.parse(capture), { format, generatedAt: AT });
      const second = exportReport(JSON.parse(capture), { format, generatedAt: AT });
      if (!first.ok || !second.ok) throw new Error('export failed');
      expect(second.content).toBe(first.content);
      const other = exportReport(capture, { format, generatedAt: '2030-01-01T00:00:00.000Z' });
      if (!other.ok) throw new Error('export failed');
      expect(other.content.replaceAll('2030-01-01T00:00:00.000Z', AT)).toBe(first.content);
    }
  });

  it('reports progress up to the total', () => {
    const calls: [number, number][] = [];
    const result = exportReport(demoHar(), { format: 'md', generatedAt: AT, onProgress: (done, total) => calls.push([done, total]) });
    expect(result.ok).toBe(true);
    expect(calls.length).toBeGreaterThan(3);
    const total = calls[0]?.[1];
    expect(calls.every(([, t]) => t === total)).toBe(true);
    expect(calls.map(([done]) => done)).toEqual([...calls.map(([done]) => done)].sort((a, b) => a - b));
    expect(calls.at(-1)).toEqual([total, total]);
  });

  it('exports one exchange or a chosen set, and rejects an unknown id', () => {
    const one = exportReport(demoHar(), { format: 'md', generatedAt: AT, scope: { kind: 'exchanges', ids: ['ex-3'] } });
    if (!one.ok) throw new Error(one.error.message);
    expect(one.document.report.summary).toMatchObject({ exchanges: 1, blocked: 1 });
    expect(one.document.report.exchanges[0]).toMatchObject({ url: 'https://api.example.net/creds', corsError: 'WildcardOriginNotAllowed' });
    expect(one.document.export.har.log.entries).toHaveLength(1);
    expect(one.filename).toBe('cors-lens-ex-3-2024-05-01.md');
    expect(one.content).toContain('1 selected exchange(s): `ex-3`');
    const allowed = exportReport(demoHar(), { format: 'md', generatedAt: AT, scope: { kind: 'exchanges', ids: ['ex-2'] } });
    if (!allowed.ok) throw new Error(allowed.error.message);
    expect(allowed.content).toMatch(/^## ✅ ex-0 · allowed/m);
    const missing = exportReport(demoHar(), { format: 'md', scope: { kind: 'exchanges', ids: ['ex-99'] } });
    expect(missing).toEqual({ ok: false, error: { message: 'No exchange "ex-99" in the capture.', path: '' } });
  });

  it('gives the same verdicts for a chosen exchange as in the whole capture', () => {
    const whole = documentOf(demoHar());
    for (const item of whole.report.exchanges) {
      const alone = documentOf(demoHar(), { scope: { kind: 'exchanges', ids: [item.id] } });
      expect(alone.report.exchanges.map((candidate) => [candidate.verdict, candidate.corsError, candidate.url])).toEqual([[item.verdict, item.corsError, item.url]]);
    }
  });

  it('quotes hostile values for the shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('a\u202Eb\nc')).toBe("$'a\\u202Eb\\x0ac'");
    expect(shellQuote('https://x.example/a')).toBe('https://x.example/a');
    expect(hostilePayloads(BEACON).length).toBeGreaterThan(5);
  });

  it('reports unreadable input instead of throwing', () => {
    expect(exportReport('<html>', { format: 'md' }).ok).toBe(false);
    expect(exportReport({ schema: 'cors-lens/report@1', exchanges: [] }, { format: 'md' })).toMatchObject({ ok: false, error: { path: 'export.har' } });
  });
});

void PAGE;
