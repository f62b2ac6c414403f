// docs/report.schema.json is the documented contract of --format json: every report the engine writes validates,
// and a report that breaks the contract does not.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { exportReport, reportToJson, diagnose, BROWSER_IDS, FIREFOX_CORS_ERRORS, RULE_IDS, STACK_IDS } from '../../src/engine/index.js';
import { syntheticHar } from '../../bench/synthetic-har.js';
import { HAR_SAMPLE_NAMES, readHarSample } from '../fixtures/har-samples.js';
import { PAGE, exchange, har } from '../fixtures/builders.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/report.schema.json'), 'utf8')) as {
  $defs: { stackId: { enum: string[] }; firefoxError: { enum: (string | null)[] } };
  properties: { browser: { properties: { id: { enum: string[] } } } };
};
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

function errorsOf(value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

const inputs: [string, unknown][] = [
  ['a blocked preflight and a wildcard', har([
    ...exchange({ method: 'PUT', headers: { 'Content-Type': 'application/json' } }).preflight({ status: 404 }).actual({ notSent: true }).entries(),
    ...exchange({ at: 100, url: 'https://api.example.net/ok', cookie: 'a=b' }).actual({ acao: '*' }).entries(),
    ...exchange({ at: 200 }).actual({ acao: PAGE }).entries(),
  ])],
  ['a synthetic capture of 1,500 entries', syntheticHar(1_500, 3)],
  ...HAR_SAMPLE_NAMES.map((name): [string, unknown] => [name, readHarSample(name)]),
];

describe('docs/report.schema.json', () => {
  it.each(inputs)('validates the JSON report of %s', (_name, input) => {
    const result = diagnose(input);
    if (!result.ok) return expect(result.error.message).toMatch(/./);
    expect(errorsOf(JSON.parse(reportToJson(result.report)))).toEqual([]);
  });

  it('validates an export, with its redacted HAR', () => {
    const result = exportReport(inputs[0]?.[1], { format: 'json', stack: 'express', generatedAt: '2026-12-07T00:00:00.000Z' });
    if (!result.ok) throw new Error(result.error.message);
    expect(errorsOf(JSON.parse(result.content))).toEqual([]);
  });

  it('rejects what breaks the contract', () => {
    const result = diagnose(inputs[0]?.[1]);
    if (!result.ok) throw new Error(result.error.message);
    const json = JSON.parse(reportToJson(result.report)) as { schema: string; problems: { id: string; count: number }[]; fixes: Record<string, object>; exchanges: { findings: { fix: unknown }[] }[] };
    expect(errorsOf({ ...json, schema: 'cors-lens/report@1' })).not.toEqual([]);
    expect(errorsOf({ ...json, problems: [{ ...json.problems[0], id: 'p-1' }] })).not.toEqual([]);
    const withInlineFix = structuredClone(json);
    const finding = withInlineFix.exchanges.flatMap((item) => item.findings).find((item) => item.fix !== null);
    if (finding === undefined) throw new Error('no finding with a fix');
    finding.fix = { target: 'actual', headers: [], summary: '', verifies: false, whatIf: '' };
    expect(errorsOf(withInlineFix)).not.toEqual([]);
  });

  it('validates each server\'s snippets (one per stack), and rejects one for an unknown stack', () => {
    const result = diagnose(har([
      ...exchange({ url: 'https://api.example.net/v1/a' }).actual({ error: 'net::ERR_FAILED' }).entries(),
      ...exchange({ at: 100, origin: 'https://other.example', method: 'PUT', url: 'https://api.example.net/v1/b' }).preflight({ acao: 'https://other.example', acam: 'GET' }).actual({ notSent: true }).entries(),
    ]));
    if (!result.ok) throw new Error(result.error.message);
    const json = JSON.parse(reportToJson(result.report)) as { servers: { allowOrigins: string[]; snippets: { stack: string; code: string }[] }[] };
    expect(errorsOf(json)).toEqual([]);
    const [server] = json.servers;
    expect(server?.allowOrigins).toHaveLength(2);
    expect(server?.snippets.map((snippet) => snippet.stack)).toEqual(STACK_IDS);
    expect(server?.snippets.find((snippet) => snippet.stack === 'express')?.code).toContain(`origin: [${server?.allowOrigins.map((origin) => JSON.stringify(origin)).join(', ')}]`);
    const broken = structuredClone(json);
    broken.servers[0]?.snippets.push({ stack: 'cobol', code: '' });
    expect(errorsOf(broken)).not.toEqual([]);
  });

  it('validates a report judged for Firefox, and rejects an unknown Firefox reason key', () => {
    const result = diagnose(inputs[0]?.[1], { browser: 'firefox' });
    if (!result.ok) throw new Error(result.error.message);
    const json = JSON.parse(reportToJson(result.report)) as { browser: { id: string }; exchanges: { firefoxError: string | null }[] };
    expect(json.browser.id).toBe('firefox');
    expect(errorsOf(json)).toEqual([]);
    expect(errorsOf({ ...json, exchanges: [{ ...json.exchanges[0], firefoxError: 'CORSMadeUp' }] })).not.toEqual([]);
  });

  it('names every stack id, Firefox reason key and browser the engine has, and the rule id pattern fits every rule', () => {
    expect([...schema.$defs.stackId.enum].sort()).toEqual([...STACK_IDS].sort());
    expect(schema.$defs.firefoxError.enum.filter((key) => key !== null).sort()).toEqual([...FIREFOX_CORS_ERRORS].sort());
    expect([...schema.properties.browser.properties.id.enum].sort()).toEqual([...BROWSER_IDS].sort());
    for (const id of RULE_IDS) expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });
});
