import { describe, expect, it } from 'vitest';
import { diagnose, reportToText, type Report } from '../../src/engine/index.js';
import { ProblemIndex, problemsOf } from '../../src/engine/problems/problems.js';
import { serverFixesOf } from '../../src/engine/problems/servers.js';
import { routeTemplate } from '../../src/engine/problems/route.js';
import { syntheticHar } from '../../bench/synthetic-har.js';
import { exchange, har } from '../fixtures/builders.js';
import { STACK_IDS } from '../../src/engine/fixes/index.js';

function reportOf(entries: unknown[]): Report {
  const result = diagnose(har(entries as never));
  if (!result.ok) throw new Error(result.error.message);
  return result.report;
}

const API = 'https://api.example.net';

describe('route templates', () => {
  it.each([
    ['https://a.example/v1/items/5210', '/v1/items/:id'],
    ['https://a.example/v1/items/5210/parts/7?x=1#y', '/v1/items/:id/parts/:id'],
    ['https://a.example/u/123e4567-e89b-12d3-a456-426614174000', '/u/:id'],
    ['https://a.example/objects/5f2b9c1e8d3a4b7c', '/objects/:id'],
    ['https://a.example/t/eyJhbGciOiJIUzI1NiJ9abc123', '/t/:id'],
    ['https://a.example/api/orders/deadbeef', '/api/orders/deadbeef'],
    ['https://a.example/api/v2/report', '/api/v2/report'],
    ['https://a.example/', '/'],
    ['not a url', '/'],
  ])('%s → %s', (url, template) => {
    expect(routeTemplate(url)).toBe(template);
  });
});

describe('problems', () => {
  const missingOrigin = (id: number, origin: string, at: number) =>
    exchange({ origin, url: `${API}/v1/items/${id}`, at }).actual({ error: 'net::ERR_FAILED' }).entries();

  it('group one cause on one server: item URLs collapse, page origins merge, one fix allows them all', () => {
    const report = reportOf([...missingOrigin(1, 'https://a.example', 0), ...missingOrigin(2, 'https://b.example', 10), ...missingOrigin(3, 'https://a.example', 20)]);
    expect(report.summary.blocked).toBe(3);
    const errors = report.problems.filter((problem) => problem.severity === 'error');
    expect(errors).toHaveLength(1);
    const [problem] = errors;
    expect(problem).toMatchObject({
      rule: 'missing-allow-origin', server: API, routes: ['/v1/items/:id'], methods: ['GET'], count: 3, blocking: 3,
      initiatorOrigins: ['https://a.example', 'https://b.example'], corsErrors: ['MissingAllowOriginHeader'],
      exchanges: report.exchanges.map((item) => item.id),
    });
    expect(problem?.title).toBe('The response has no Access-Control-Allow-Origin header — https://api.example.net/v1/items/:id');
    expect(problem?.fix?.allowOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(problem?.fix?.note).toMatch(/one of https:\/\/a\.example, https:\/\/b\.example/);
    expect(problem?.fix?.verified).toEqual({ passing: 3, of: 3, rechecked: 3 });
    for (const item of report.exchanges) expect(item.findings.map((finding) => finding.problem)).toContain(problem?.id);
  });

  it('unite the methods one allow-list must name, and keep other servers apart', () => {
    const notListed = (method: string, url: string, at: number) =>
      exchange({ method, url, at }).preflight({ acao: 'https://app.example', acam: 'GET, POST' }).actual({ notSent: true }).entries();
    const report = reportOf([...notListed('PUT', `${API}/items/1`, 0), ...notListed('DELETE', `${API}/items/2`, 10), ...notListed('PUT', 'https://other.example.org/items/3', 20)]);
    const methodProblems = report.problems.filter((problem) => problem.rule === 'disallowed-request-method');
    expect(methodProblems.map((problem) => [problem.server, problem.count])).toEqual([[API, 2], ['https://other.example.org', 1]]);
    const allowMethods = methodProblems[0]?.fix?.headers.find((patch) => patch.name.toLowerCase() === 'access-control-allow-methods');
    expect(allowMethods?.value?.split(',').map((item) => item.trim()).sort()).toEqual(['DELETE', 'GET', 'POST', 'PUT']);
    expect(methodProblems[0]?.fix?.summary).toMatch(/Access-Control-Allow-Methods: .*DELETE/);
  });

  it('group a font CDN without Allow-Origin as one problem with one fix, named by its request kind', () => {
    const font = (path: string, at: number) => exchange({ url: `https://fonts.example.org/${path}`, at, resourceType: 'font', headers: { 'Sec-Fetch-Mode': 'cors' } }).actual({ error: 'net::ERR_FAILED' }).entries();
    const report = reportOf([...font('a.woff2', 0), ...font('b.woff2', 10), ...font('c/d.woff2', 20)]);
    const errors = report.problems.filter((problem) => problem.severity === 'error');
    expect(errors.map((problem) => [problem.rule, problem.server, problem.count, problem.requestKinds])).toEqual([
      ['missing-allow-origin', 'https://fonts.example.org', 3, ['font (@font-face, the FontFace API or a font preload)']],
    ]);
    expect(errors[0]?.fix?.headers).toContainEqual({ action: 'set', name: 'Access-Control-Allow-Origin', value: 'https://app.example' });
    expect(report.exchanges[0]?.requestKind).toEqual({ label: 'font (@font-face, the FontFace API or a font preload)', basis: '_resourceType "font"' });
  });

  it('have ids that name the cause, not the capture: the same mistake in another capture has the same id', () => {
    const first = reportOf(missingOrigin(1, 'https://a.example', 0));
    const second = reportOf([...exchange({ url: 'https://unrelated.example/x', at: 0 }).actual({ acao: '*' }).entries(), ...missingOrigin(99, 'https://a.example', 50)]);
    const id = (report: Report) => report.problems.find((problem) => problem.rule === 'missing-allow-origin')?.id;
    expect(id(first)).toMatch(/^p-[0-9a-f]{16}$/);
    expect(id(second)).toBe(id(first));
  });

  it('stay the same when exchanges are replaced or removed and added again (the live session\'s index)', () => {
    const report = reportOf(syntheticHar(800, 5).log.entries);
    const index = new ProblemIndex();
    report.exchanges.forEach((item, order) => index.set(item, order));
    // Replace every third exchange, drop and re-add every fifth, out of order.
    report.exchanges.forEach((item, order) => {
      if (order % 3 === 0) index.set({ ...item }, order);
    });
    const dropped = report.exchanges.filter((_item, order) => order % 5 === 0);
    for (const item of dropped) index.delete(item.id);
    for (const item of [...dropped].reverse()) index.set(item, report.exchanges.indexOf(item));
    expect(index.problems()).toEqual(problemsOf(report.exchanges));
    expect(report.problems).toEqual(problemsOf(report.exchanges));
    // The servers' configurations count their exchanges from the index's running tally, as a live session does.
    expect(report.servers.length).toBeGreaterThan(0);
    expect(serverFixesOf(index.problems(), report.exchanges, (server) => index.combinedExchanges(server))).toEqual(report.servers);
  });

  it('keep the text summary within 50 lines for a large capture', () => {
    const report = reportOf(syntheticHar(4_000, 9).log.entries);
    expect(report.problems.length).toBeGreaterThan(3);
    const text = reportToText(report);
    expect(text.trimEnd().split('\n').length).toBeLessThanOrEqual(50);
    expect(reportToText(report, { exchanges: true }).split('\n').length).toBeGreaterThan(report.exchanges.length);
  });
});

describe('one configuration per server', () => {
  const missingOrigin = (id: number, origin: string, at: number, cookie?: string) =>
    exchange({ origin, url: `${API}/v1/items/${id}`, at, ...(cookie === undefined ? {} : { cookie }) }).actual({ error: 'net::ERR_FAILED' }).entries();
  const methodNotListed = (method: string, url: string, at: number) =>
    exchange({ method, url, at }).preflight({ acao: 'https://app.example', acam: 'GET' }).actual({ notSent: true }).entries();

  it('merges every blocking problem of a server: its origins echoed, its methods listed, Vary: Origin', () => {
    const report = reportOf([
      ...missingOrigin(1, 'https://a.example', 0), ...missingOrigin(2, 'https://b.example', 10),
      ...methodNotListed('PUT', `${API}/v1/items/3`, 20), ...methodNotListed('PUT', 'https://other.example.org/x', 30),
    ]);
    const fixes = serverFixesOf(report.problems, report.exchanges);
    expect(report.servers).toEqual(fixes);
    expect(fixes.map((fix) => fix.server)).toEqual([API, 'https://other.example.org']);
    const [api] = fixes;
    expect(api?.exchanges).toBe(3);
    expect(api?.problems).toHaveLength(2);
    expect(api?.routes).toEqual(['/v1/items/:id']);
    expect(api?.allowOrigins).toEqual(['https://a.example', 'https://app.example', 'https://b.example']);
    const lines = Object.fromEntries((api?.headers ?? []).map((patch) => [patch.name, patch.value]));
    expect(lines['Access-Control-Allow-Methods']).toMatch(/PUT/);
    expect(lines.Vary).toBe('Origin');
    expect(lines['Access-Control-Allow-Origin']).not.toBe('*');
  });

  it('never answers "*" to requests that carry credentials', () => {
    const report = reportOf([...missingOrigin(1, 'https://a.example', 0, 'session=1')]);
    const [fix] = serverFixesOf(report.problems);
    expect(fix?.credentials).toBe(true);
    expect(fix?.headers.find((patch) => patch.name === 'Access-Control-Allow-Origin')?.value).toBe('https://a.example');
    expect(fix?.headers.find((patch) => patch.name === 'Access-Control-Allow-Credentials')?.value).toBe('true');
  });

  describe('as one snippet per stack', () => {
    const code = (report: Report, stack: string, server = API) => report.servers.find((fix) => fix.server === server)?.snippets.find((snippet) => snippet.stack === stack)?.code ?? '';
    // Page A's GET lacks Allow-Origin; page B's PUT is not in Allow-Methods (its preflight allows B), and B's
    // GET with cookies passes today.
    const twoPages = () => reportOf([
      ...missingOrigin(1, 'https://a.example', 0),
      ...exchange({ method: 'PUT', origin: 'https://b.example', url: `${API}/v1/items/2`, at: 10, headers: { 'X-Trace': '1' } })
        .preflight({ acao: 'https://b.example', acac: 'true', acam: 'GET', acah: 'x-trace' }).actual({ notSent: true }).entries(),
      ...exchange({ origin: 'https://b.example', url: `${API}/v1/me`, at: 20, cookie: 'session=1' }).actual({ acao: 'https://b.example', acac: 'true' }).entries(),
    ]);

    it('renders lazily: a getter per stack, every stack once', () => {
      const [fix] = twoPages().servers;
      expect(fix?.snippets.map((snippet) => snippet.stack)).toEqual(STACK_IDS);
      for (const snippet of fix?.snippets ?? []) expect(typeof Object.getOwnPropertyDescriptor(snippet, 'code')?.get).toBe('function');
    });

    it('allow every page origin as a list, with credentials, the methods and headers, and nothing else', () => {
      const report = twoPages();
      expect(report.servers).toHaveLength(1);
      const express = code(report, 'express');
      expect(express).toContain('origin: ["https://a.example", "https://b.example"]');
      expect(express).toContain('credentials: true');
      expect(express).toContain('methods: ["PUT"]');
      expect(express).toContain('allowedHeaders: ["x-trace"]');
      for (const stack of STACK_IDS) {
        const text = code(report, stack);
        expect(text, stack).toContain('https://a.example');
        expect(text, stack).toContain('https://b.example');
        // Never "*" or a reflected origin with credentials.
        const originLines = text.split('\n').filter((line) => !/^\s*(\/\/|#)/.test(line) && /origin/i.test(line)).map((line) => line.replace(/ \/\/ .*$/, ''));
        expect(originLines.join('\n'), stack).not.toMatch(/\*|origin: true/);
      }
      expect(code(report, 'fastify')).toContain('origin: ["https://a.example", "https://b.example"]');
      expect(code(report, 'hono')).toContain('origin: ["https://a.example", "https://b.example"]');
      expect(code(report, 'koa')).toContain('const ALLOWED_ORIGINS = ["https://a.example", "https://b.example"];');
      expect(code(report, 'django')).toContain('CORS_ALLOWED_ORIGINS = ["https://a.example", "https://b.example"]');
      expect(code(report, 'flask')).toContain('origins=["https://a.example", "https://b.example"]');
      expect(code(report, 'fastapi')).toContain('allow_origins=["https://a.example", "https://b.example"]');
      expect(code(report, 'rails')).toContain('origins "https://a.example", "https://b.example"');
      expect(code(report, 'spring-boot')).toContain('List.of("https://a.example", "https://b.example")');
      expect(code(report, 'aspnet-core')).toContain('.WithOrigins("https://a.example", "https://b.example")');
      expect(code(report, 'go')).toContain('AllowedOrigins:   []string{"https://a.example", "https://b.example"}');
      expect(code(report, 'go')).toContain('origin == "https://a.example" || origin == "https://b.example"');
      expect(code(report, 'cloudflare-workers')).toContain('new Set(["https://a.example", "https://b.example"])');
      expect(code(report, 'nextjs')).toContain('new Set(["https://a.example", "https://b.example"])');
      expect(code(report, 'apache')).toContain('SetEnvIf Origin "^(https://a[.]example|https://b[.]example)$" CORS_ALLOW_ORIGIN=$0');
      expect(code(report, 'caddy')).toContain('header_regexp cors_origin Origin ^(https://a[.]example|https://b[.]example)$');
      expect(code(report, 'aws-s3')).toContain('"AllowedOrigins":["https://a.example","https://b.example"]');
      expect(code(report, 'aws-api-gateway')).toContain('"AllowOrigins":["https://a.example","https://b.example"]');
      const nginx = code(report, 'nginx');
      expect(nginx).toContain('map $http_origin $cors_allow_origin {\n    default "";\n    "https://a.example" $http_origin;\n    "https://b.example" $http_origin;\n}');
      expect(nginx).toContain('add_header Access-Control-Allow-Origin $cors_allow_origin always;');
      expect(nginx).toContain('add_header Access-Control-Allow-Credentials "true" always;');
      expect(nginx).toContain('add_header Access-Control-Allow-Methods "PUT" always;');
      expect(nginx).toContain('return 204;');
    });

    it('keep the origins of requests that pass today: the snippet replaces the server\'s settings', () => {
      const passing = exchange({ origin: 'https://c.example', url: `${API}/v1/items/9`, at: 40 }).actual({ acao: 'https://c.example' }).entries();
      const report = reportOf([...missingOrigin(1, 'https://a.example', 0), ...passing]);
      expect(report.servers[0]?.allowOrigins).toEqual(['https://a.example']);
      expect(code(report, 'express')).toContain('origin: ["https://a.example", "https://c.example"]');
    });

    it('use "*" where the lines say "*" and nothing carries credentials', () => {
      const report = reportOf([...exchange({ origin: 'https://a.example', url: `${API}/font.woff2`, at: 0 }).actual({ error: 'net::ERR_FAILED' }).entries()]);
      const fix = report.servers[0];
      if (fix?.allowOrigins.length !== 0) return; // the rule asked for the origin: covered above
      expect(code(report, 'express')).toContain("origin: '*'");
    });

    it('with one origin, render the code of the problem\'s own snippet (only the comments say more)', () => {
      const report = reportOf([...missingOrigin(1, 'https://a.example', 0, 'session=1')]);
      const problem = report.problems.find((candidate) => candidate.fix !== null);
      const uncommented = (text: string) => text.split('\n').filter((line) => !/^\s*(\/\/|#)/.test(line)).join('\n');
      // Next.js's matcher follows the problem's path; the server's configuration covers every path.
      for (const stack of STACK_IDS.filter((id) => id !== 'nextjs')) {
        const own = problem?.fix?.snippets.find((snippet) => snippet.stack === stack)?.code ?? '';
        expect(uncommented(code(report, stack)), stack).toBe(uncommented(own));
      }
    });
  });
});
