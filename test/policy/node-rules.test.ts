/** The node rules over the plan's capacity table: parsing, pass and fail, narrowing, severities, the thresholds they give the planner. */
import { describe, expect, it } from 'vitest';
import { formatLocation } from '../../src/core/diagnostic.js';
import { evaluatePolicies } from '../../src/policy/evaluate-policies.js';
import { placementThresholds } from '../../src/policy/node-rules.js';
import { parsePolicyFile } from '../../src/policy/parse-policies.js';
import { hasBlockingViolations } from '../../src/policy/policy-gate.js';
import type { Plan } from '../../src/plan/plan-types.js';
import { planPlacement } from '../plan/placement/placement-scenario.js';
import { seedFacts } from '../plan/placement/seed-cluster.js';
import { rulesFrom } from './policy-rules.js';

/** A plan putting a 8 GiB, 16-core guest on pve (14 of 15.4 GiB committed, 91.1 %; 20 vCPUs on 4 cores) and a small one on busy fun-bedbug. */
function plan(): Plan {
  const facts = seedFacts();
  facts.nodes.find((n) => n.name === 'fun-bedbug')!.cpuLoad = 0.85;
  const r = planPlacement({
    yaml: `
resources:
  fake_guest.bulky:
    name: bulky
    node: pve
    memory: 8192
    cores: 16
  fake_guest.small:
    name: small
    node: fun-bedbug
    memory: 512
    cores: 1
`,
    facts,
  });
  expect(r.errors).toEqual([]);
  return r.plan!;
}

const messages = (yaml: string, p: Plan = plan()) => evaluatePolicies(p, rulesFrom(`policies:\n${yaml}`)).results.map((r) => `${r.passed ? 'pass' : r.severity}: ${r.message}`);

describe('node rules', () => {
  const cases: { reason: string; rules: string; expected: string[] }[] = [
    {
      reason: 'node-memory fails on the node the plan pushes past it',
      rules: '  - { rule: node-memory, max_percent: 90 }',
      expected: ['error: node pve: 14 GiB of 15.4 GiB committed after this plan (91.1 %, was 6 GiB), more than 90 %'],
    },
    {
      reason: 'node-memory passes under a higher limit',
      rules: '  - { rule: node-memory, max_percent: 95 }',
      expected: ['pass: No node is pushed past 95 % memory committed by this plan (4 checked)'],
    },
    {
      reason: 'node-vcpus per core, as a warning',
      rules: '  - { rule: node-vcpus, max_per_core: 4, severity: warning }',
      expected: ['warning: node pve: 20 vCPUs on 4 cores after this plan (was 4), more than 4 per core'],
    },
    {
      reason: 'node-cpu-load: a busy node the plan adds to',
      rules: '  - { rule: node-cpu-load, max_percent: 80 }',
      expected: ['error: node fun-bedbug: CPU load 85.0 %, more than 80 %, and this plan adds to it'],
    },
    {
      reason: 'narrowed to other nodes it passes; the count says how many were looked at',
      rules: '  - { rule: node-memory, max_percent: 50, node: [chief-horse, pumped-piglet] }',
      expected: ['pass: No node is pushed past 50 % memory committed by this plan (2 checked)'],
    },
    {
      reason: 'match provider narrows the clusters',
      rules: '  - { rule: node-memory, max_percent: 10, match: { provider: proxmox } }',
      expected: ['pass: No matching node is pushed past 10 % memory committed by this plan (0 checked)'],
    },
    {
      reason: 'a custom message names the node',
      rules: '  - { rule: node-memory, max_percent: 90, message: "{resource} is full" }',
      expected: ['error: pve is full'],
    },
  ];
  for (const t of cases) it(t.reason, () => expect(messages(t.rules)).toEqual(t.expected));

  it('a failed node rule of severity error blocks the plan; a warning does not', () => {
    const p = plan();
    expect(hasBlockingViolations(evaluatePolicies(p, rulesFrom('policies:\n  - { rule: node-memory, max_percent: 90 }')).results)).toBe(true);
    expect(hasBlockingViolations(evaluatePolicies(p, rulesFrom('policies:\n  - { rule: node-memory, max_percent: 90, severity: warning }')).results)).toBe(false);
  });

  it('without a capacity table the rules pass, saying so', () => {
    const { placement: _, ...bare } = plan();
    expect(messages('  - { rule: node-cpu-load, max_percent: 1 }', bare)).toEqual([
      'pass: This plan has no capacity table (no cluster was read): nothing to check',
    ]);
  });

  it('parses with defaults named after the limit', () => {
    const rules = rulesFrom('policies:\n  - { rule: node-memory, max_percent: 90 }\n  - { rule: node-vcpus, max_per_core: 4, node: pve }\n');
    expect(rules).toMatchObject([
      { kind: 'node-memory', maxPercent: 90, name: 'node-memory (max 90 %)' },
      { kind: 'node-vcpus', maxPerCore: 4, nodes: ['pve'], name: 'node-vcpus (max 4 per core, node pve)' },
    ]);
    expect(rules[0]).not.toHaveProperty('nodes');
  });

  it('refuses a rule without its limit, or a limit on another rule, at file:line:col', () => {
    const problems = (text: string) => parsePolicyFile({ path: 'p.yaml', text }).diagnostics.map((d) => `${d.location ? formatLocation(d.location) : '-'} ${d.summary}`);
    expect(problems('policies:\n  - { rule: node-memory }\n')).toHaveLength(1);
    expect(problems('policies:\n  - { rule: node-memory }\n')[0]).toMatch(/^p\.yaml:2:5 .*max_percent/);
    expect(problems('policies:\n  - { rule: no-destroy, max_percent: 5 }\n')).toEqual(['p.yaml:2:25 max_percent applies only to rules node-memory and node-cpu-load']);
    expect(problems('policies:\n  - { rule: node-vcpus, max_per_core: 0 }\n')[0]).toMatch(/^p\.yaml:2:39 /);
    expect(problems('policies:\n  - { rule: no-destroy, node: pve }\n')[0]).toMatch(/node applies only to rules no-changes-on-node, node-memory/);
  });

  it('gives the planner the strictest limits of the rules naming no node', () => {
    expect(placementThresholds(rulesFrom('policies:\n  - { rule: no-destroy }\n'))).toBeUndefined();
    expect(
      placementThresholds(
        rulesFrom('policies:\n  - { rule: node-memory, max_percent: 85 }\n  - { rule: node-memory, max_percent: 80 }\n  - { rule: node-vcpus, max_per_core: 2, node: pve }\n'),
      ),
    ).toEqual({ memoryPercent: 80, vcpusPerCore: 4, cpuLoadPercent: 80 });
  });
});
