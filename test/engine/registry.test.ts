import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_ORDER, EXCHANGE_RULES } from '../../src/engine/rules/check-order.js';
import { AUDIT_RULES, RULES, RULE_IDS, RULE_RENAMES, SUPERSEDED_BY } from '../../src/engine/rules/registry.js';
import { CORS_ERRORS } from '../../src/engine/spec/cors-errors.js';
import { derive } from '../fixtures/replay.js';
import { RULE_FIXTURES } from './rule-fixtures.js';

const RULES_DIR = path.resolve(__dirname, '../../src/engine/rules');
const NOT_RULES = new Set(['registry.ts', 'types.ts', 'helpers.ts', 'audit-helpers.ts', 'check-order.ts', 'run.ts']);

function failuresOf(rule: string, entries: Parameters<typeof derive>[0]) {
  return derive(entries).replays.flatMap((result) => result.findings.filter((finding) => finding.rule === rule));
}

describe('rule registry', () => {
  it('registers every rule file, and every rule id is its file name', () => {
    const files = readdirSync(RULES_DIR).filter((file) => file.endsWith('.ts') && !NOT_RULES.has(file));
    expect(files.map((file) => file.replace(/\.ts$/, '')).sort()).toEqual([...RULE_IDS].sort());
    for (const id of RULE_IDS) expect(RULES[id].meta.id).toBe(id);
  });

  it.each(RULE_IDS)('%s has complete meta', (id) => {
    const { meta } = RULES[id];
    expect(meta.id).toMatch(/^[a-z]+(-[a-z]+)+$/);
    expect(meta.title.length).toBeGreaterThan(10);
    expect(meta.failureTitle.length).toBeGreaterThan(10);
    expect(meta.description.length).toBeGreaterThan(40);
    expect(meta.specUrl).toMatch(/^https:\/\/fetch\.spec\.whatwg\.org\/#/);
    expect(meta.mdnUrl).toMatch(/^https:\/\/developer\.mozilla\.org\//);
    expect(['error', 'warning', 'info']).toContain(meta.severity);
  });

  it.each(RULE_IDS)('%s passes its passing fixture and fails its failing fixture with the expected reason', (id) => {
    const fixture = RULE_FIXTURES[id];
    expect(failuresOf(id, fixture.pass)).toEqual([]);
    const failures = failuresOf(id, fixture.fail);
    expect(failures.map((failure) => failure.result.reason)).toContain(fixture.reason);
  });

  it.each(RULE_IDS)('%s proposes a fix or says why there is no server fix', (id) => {
    const [failure] = failuresOf(id, RULE_FIXTURES[id].fail);
    expect(failure).toBeDefined();
    if (RULES[id].hasServerFix) {
      expect(failure?.result.fix?.summary.length).toBeGreaterThan(10);
      expect(failure?.result.noServerFix).toBeNull();
    } else {
      expect(failure?.result.fix).toBeNull();
      expect(failure?.result.noServerFix?.length).toBeGreaterThan(10);
    }
  });

  it('puts every rule in the check order or among the exchange rules', () => {
    const ordered = new Set([...Object.values(CHECK_ORDER).flatMap((checks) => checks.map((check) => check.rule)), ...EXCHANGE_RULES, ...AUDIT_RULES]);
    expect([...ordered].sort()).toEqual([...RULE_IDS].sort());
    for (const checks of Object.values(CHECK_ORDER)) for (const check of checks) expect(CORS_ERRORS).toContain(check.corsError);
  });

  it.each(RULE_IDS)('%s states its category, and audit findings state their confidence and evidence', (id) => {
    const category = RULES[id].meta.category ?? 'cors';
    const [failure] = failuresOf(id, RULE_FIXTURES[id].fail);
    expect(failure?.result.category).toBe(category);
    if (category === 'cors') {
      expect(AUDIT_RULES).not.toContain(id);
      expect(failure?.result.confidence).toBeNull();
    } else {
      expect(AUDIT_RULES).toContain(id);
      expect(['high', 'medium', 'low']).toContain(failure?.result.confidence?.level);
      expect(failure?.result.confidence?.basis.length).toBeGreaterThan(20);
    }
  });

  it('lets only audit or classification rules supersede a generic rule', () => {
    for (const [generic, specifics] of Object.entries(SUPERSEDED_BY)) {
      expect(RULE_IDS).toContain(generic);
      for (const specific of specifics ?? []) expect(RULES[specific].meta.category).toBe('classification');
    }
  });

  it('keeps renamed ids pointing at existing rules', () => {
    for (const target of Object.values(RULE_RENAMES)) expect(RULE_IDS).toContain(target);
  });
});
