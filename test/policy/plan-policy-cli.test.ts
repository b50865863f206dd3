/**
 * Policy gates through the CLI, in real processes: every exit code of `hl plan` (0, 1, 2
 * with --detailed-exitcode, 3 on a violation), `hl apply` and `hl destroy` refusing a plan
 * with violations, rules from the config and from --policy, the "Policy checks" section,
 * `policy_results` in --json, results carried in a saved plan into Markdown, and sensitive
 * values absent from the plan file.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodePlan } from '../../src/plan/plan-codec.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { runHl } from '../support/run-hl.js';

const SECRET = 'tok-POLICY-secret-815';

const BASE = `
variables:
  token: { type: string, sensitive: true }
resources:
  fake_resource.web: { name: web, tags: [protected] }
  fake_resource.app: { name: app, value: "\${fake_resource.web.id}", secret: "\${var.token}" }
`;

let dir: string;
const hl = (args: string[], input?: string) => runHl(args, { cwd: dir, env: { HL_VAR_token: SECRET }, ...(input !== undefined ? { input } : {}) });
const config = (text: string): void => writeFileSync(join(dir, 'homelab.yaml'), text);
const policyFile = (text: string): void => writeFileSync(join(dir, 'policy.yaml'), text);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hl-policy-'));
  config(BASE);
});

describe('hl plan exit codes with policies', () => {
  it('0 without --detailed-exitcode, 2 with it, when every policy passes; the Policy checks section lists them', async () => {
    config(`${BASE}policies:\n  - { rule: no-destroy, match: { tag: protected } }\n  - { rule: max-changes, limit: 5 }\n`);
    const plain = await hl(['plan']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('Plan: 2 to add');
    expect(plain.stdout).toContain('Policy checks: 2 passed');
    expect(plain.stdout).toContain('✓ no-destroy (tag protected): No matching resource is destroyed or replaced');
    expect(plain.stdout).toContain('✓ max-changes (limit 5): 2 changes, within the limit of 5');

    const detailed = await hl(['plan', '--detailed-exitcode']);
    expect(detailed.code).toBe(2);
  });

  it('0 with --detailed-exitcode when there is nothing to change', async () => {
    expect((await hl(['apply', '--auto-approve'])).code).toBe(0);
    config(`${BASE}policies:\n  - { rule: max-changes, limit: 0 }\n`);
    policyFile('policies:\n  - { rule: no-destroy }\n');
    const r = await hl(['plan', '--detailed-exitcode', '--policy', 'policy.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No changes.');
    expect(r.stdout).toContain('Policy checks: 2 passed');
  });

  it('3 on a violation, also with --detailed-exitcode and changes present; saying which rule and resource', async () => {
    const applied = await hl(['apply', '--auto-approve']);
    expect(applied.code).toBe(0);
    config(BASE.replace('name: web,', 'name: web2,'));
    policyFile('policies:\n  - { rule: no-replace, match: { tag: protected }, name: keep-protected }\n  - { rule: max-changes, limit: 1, severity: warning }\n');
    const r = await hl(['plan', '--detailed-exitcode', '--policy', 'policy.yaml']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('Policy checks: 1 error, 1 warning, 0 passed');
    expect(r.stdout).toContain('✗ keep-protected: fake_resource.web would be replaced (forced by name)');
    expect(r.stdout).toContain('! max-changes (limit 1): 2 changes, more than the limit of 1 (warning)');
    expect(r.stdout).toContain('The plan violates 1 policy check of severity error: hl apply refuses it.');
  });

  it('only warnings: the exit code is that of the plan (2), and apply goes ahead', async () => {
    config(`${BASE}policies:\n  - { rule: max-changes, limit: 1, severity: warning }\n`);
    const r = await hl(['plan', '--detailed-exitcode']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Policy checks: 1 warning, 0 passed');
    const applied = await hl(['apply', '--auto-approve']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Apply complete!');
  });

  it('1 when a rule is wrong (at file:line:col, before contacting anything) or the policy file is missing', async () => {
    config(`${BASE}policies:\n  - { rule: max-changes }\n`);
    const wrong = await hl(['plan']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Missing required setting "limit" in policy #1');
    expect(wrong.stderr).toContain('on homelab.yaml:8:5');

    config(BASE);
    const missing = await hl(['plan', '--policy', 'nope.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Policy file nope.yaml does not exist');

    policyFile('policies:\n  - { rule: no-destroy, severity: fatal }\n');
    const bad = await hl(['plan', '--policy', 'policy.yaml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('on policy.yaml:2:35');
  });

  it('1 on a config error, whatever the policies', async () => {
    config('resources:\n  fake_resource.x: { nme: x }\npolicies:\n  - { rule: no-destroy }\n');
    const r = await hl(['plan', '--detailed-exitcode']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});

describe('policy results in outputs', () => {
  it('--json: a policy_results line when there are rules (none without) and the refusal as a diagnostic line; exit 3', async () => {
    policyFile('policies:\n  - { rule: max-changes, limit: 1 }\n  - { rule: prevent-destroy }\n');
    const r = await hl(['plan', '--json', '--policy', 'policy.yaml']);
    expect(r.code).toBe(3);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const results = lines.filter((l) => l['type'] === 'policy_results');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ '@level': 'error', '@message': 'Policy checks: 1 passed, 1 failed' });
    expect(results[0]!['policy_results']).toEqual([
      { rule: 'max-changes', name: 'max-changes (limit 1)', passed: false, message: '2 changes, more than the limit of 1', severity: 'error' },
      { rule: 'prevent-destroy', name: 'prevent-destroy', passed: true, message: 'No resource has lifecycle.prevent_destroy', severity: 'error' },
    ]);
    const diagnostics = lines.filter((l) => l['type'] === 'diagnostic').map((l) => l['diagnostic'] as { summary: string });
    expect(diagnostics.map((d) => d.summary)).toContainEqual(expect.stringContaining('The plan violates 1 policy check of severity error; hl apply refuses it'));
    expect(r.stderr).toBe('');
    expect(r.stdout + r.stderr).not.toContain(SECRET);

    const none = await hl(['plan', '--json']);
    expect(none.code).toBe(0);
    expect(none.stdout).not.toContain('policy_results');
  });

  it('a saved plan carries its policy results, without sensitive values, into the Markdown summary', async () => {
    config(`${BASE}policies:\n  - { rule: no-destroy, name: keep-everything }\n  - { rule: max-changes, limit: 1, name: small }\n`);
    const r = await hl(['plan', '--out', 'plan.bin']);
    expect(r.code).toBe(3);
    const text = readFileSync(join(dir, 'plan.bin'), 'utf8');
    expect(text).not.toContain(SECRET);
    const { plan } = decodePlan(text, 'plan.bin');
    expect(plan!.policyResults!.map((p) => [p.name, p.passed])).toEqual([
      ['keep-everything', true],
      ['small', false],
    ]);

    const md = renderPlanMarkdown(plan!, { policyResults: plan!.policyResults! });
    expect(md).toContain('#### ❌ Policy: 1 failed, 1 passed');
    expect(md).toContain('| ❌ fail | `max-changes` | — | 2 changes, more than the limit of 1 |');
    expect(md).not.toContain(SECRET);

    const shown = await hl(['show', '--format', 'markdown', 'plan.bin']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('### Plan: 2 to add, 0 to change, 0 to replace, 0 to destroy');
    expect(shown.stdout).not.toContain(SECRET);
  });

  it('a plan without rules saves no policy results', async () => {
    expect((await hl(['plan', '--out', 'plan.bin'])).code).toBe(0);
    const { plan } = decodePlan(readFileSync(join(dir, 'plan.bin'), 'utf8'), 'plan.bin');
    expect(plan!.policyResults).toBeUndefined();
    expect(readFileSync(join(dir, 'plan.bin'), 'utf8')).not.toContain(SECRET);
  });
});

describe('apply and destroy refuse a plan with violations', () => {
  it('hl apply PLANFILE exits 3 and changes nothing', async () => {
    policyFile('policies:\n  - { rule: max-changes, limit: 1, name: small }\n');
    expect((await hl(['plan', '--out', 'plan.bin', '--policy', 'policy.yaml'])).code).toBe(3);
    const r = await hl(['apply', 'plan.bin']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Saved plan plan.bin violates 1 policy check of severity error; nothing was changed');
    expect(r.stderr).toContain('small: 2 changes, more than the limit of 1');
    expect(r.stdout).not.toContain('Creating');
    expect((await hl(['state', 'list'])).stdout.trim()).toBe('');
  });

  it('hl apply PLANFILE of a plan that passed goes ahead', async () => {
    policyFile('policies:\n  - { rule: max-changes, limit: 2 }\n');
    expect((await hl(['plan', '--out', 'plan.bin', '--policy', 'policy.yaml'])).code).toBe(0);
    const r = await hl(['apply', 'plan.bin']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Apply complete! Resources: 2 added');
  });

  it('hl apply without a plan file checks the config\'s rules and exits 3 before asking', async () => {
    config(`${BASE}policies:\n  - { rule: max-changes, limit: 1 }\n`);
    const r = await hl(['apply'], 'yes\n');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('Policy checks: 1 error, 0 passed');
    expect(r.stderr).toContain('The plan violates 1 policy check of severity error; nothing was changed');
    expect(r.stderr).not.toContain('Apply these changes?');
    expect(existsSync(join(dir, 'homelab.state.json'))).toBe(false);
  });

  it('hl destroy is gated too: no-destroy on protected resources refuses it', async () => {
    expect((await hl(['apply', '--auto-approve'])).code).toBe(0);
    config(`${BASE}policies:\n  - { rule: no-destroy, match: { tag: protected } }\n`);
    const r = await hl(['destroy', '--auto-approve']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no-destroy (tag protected): fake_resource.web would be destroyed');
    expect((await hl(['state', 'list'])).stdout.trim().split('\n').sort()).toEqual(['fake_resource.app', 'fake_resource.web']);
  });

  it('prevent-destroy reports the protection kept in the config', async () => {
    config(`${BASE.replace('fake_resource.web: { name: web, tags: [protected] }', 'fake_resource.web: { name: web, lifecycle: { prevent_destroy: true } }')}policies:\n  - { rule: prevent-destroy }\n`);
    expect((await hl(['apply', '--auto-approve'])).code).toBe(0);
    const r = await hl(['plan']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✓ prevent-destroy: 1 resource with lifecycle.prevent_destroy is kept: fake_resource.web');
  });
});
