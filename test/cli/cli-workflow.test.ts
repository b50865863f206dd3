/**
 * The CLI as a user runs it, in real processes: plan/apply/destroy, exit codes, saved plans
 * refused when stale (for each reason), confirmation, state commands, and errors without
 * stack traces.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runHl } from '../support/run-hl.js';

const CONFIG = `
variables:
  token: { type: string, sensitive: true }
resources:
  fake_resource.base: { name: base, value: 1 }
  fake_resource.app:
    name: app
    value: "\${fake_resource.base.id}"
    secret: "\${var.token}"
outputs:
  base_id: { value: "\${fake_resource.base.id}" }
`;

let dir: string;
const hl = (args: string[], input?: string) =>
  runHl(args, { cwd: dir, env: { HL_VAR_token: 'tok-ABCDEF-secret' }, ...(input !== undefined ? { input } : {}) });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hl-cli-'));
  writeFileSync(join(dir, 'homelab.yaml'), CONFIG);
});

describe('hl CLI workflow', () => {
  it('plans, applies after "yes", then shows no changes; exit codes follow --detailed-exitcode', async () => {
    const plan = await hl(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('Plan: 2 to add, 0 to change, 0 to replace, 0 to destroy.');
    expect(plan.stdout + plan.stderr).not.toContain('tok-ABCDEF-secret');

    const refused = await hl(['apply'], 'no\n');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Apply cancelled');

    const applied = await hl(['apply'], 'yes\n');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 replaced, 0 destroyed.');
    expect(applied.stdout + applied.stderr).not.toContain('tok-ABCDEF-secret');

    const again = await hl(['plan', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes.');

    const list = await hl(['state', 'list']);
    expect(list.stdout.trim().split('\n').sort()).toEqual(['fake_resource.app', 'fake_resource.base']);
    const show = await hl(['state', 'show', 'fake_resource.app']);
    expect(show.stdout).toContain('(sensitive value)');
    expect(show.stdout).not.toContain('tok-ABCDEF-secret');
    const out = await hl(['output', 'base_id', '--json']);
    expect(JSON.parse(out.stdout)).toMatch(/^fake-\d+$/);

    const destroyed = await hl(['destroy', '--auto-approve']);
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toContain('2 destroyed');
  });

  it('keeps a replaced object whose delete failed as deposed, shows it, plans its delete, and never prints its secret', async () => {
    const cbd = (name: string, extra: string) =>
      `variables:\n  token: { type: string, sensitive: true }\nresources:\n  fake_resource.app:\n    name: ${name}\n    secret: "\${var.token}"\n${extra}    lifecycle: { create_before_destroy: true }\n`;
    // the old object carries `fail: delete`, so deleting it after its successor exists fails
    writeFileSync(join(dir, 'homelab.yaml'), cbd('one', '    fail: delete\n'));
    expect((await hl(['apply', '--auto-approve'])).code).toBe(0);
    writeFileSync(join(dir, 'homelab.yaml'), cbd('two', ''));
    const replaced = await hl(['apply', '--auto-approve']);
    expect(replaced.code).toBe(1);
    expect(replaced.stderr).toContain('delete failed');

    const show = await hl(['state', 'show', 'fake_resource.app']);
    expect(show.stdout).toMatch(/# fake_resource\.app \(deposed object [0-9a-f]{8}, id fake-\d+\)/);
    const json = JSON.parse((await hl(['state', 'show', 'fake_resource.app', '--json'])).stdout) as { attributes: { name: string }; deposed: { attributes: { name: string; secret: unknown } }[] };
    expect(json.attributes.name).toBe('two');
    expect(json.deposed.map((d) => d.attributes.name)).toEqual(['one']);
    const plan = await hl(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/# fake_resource\.app \(deposed object [0-9a-f]{8}\) will be destroyed/);
    expect(plan.stdout).toContain('Plan: 0 to add, 0 to change, 0 to replace, 1 to destroy.');
    const whole = await hl(['show', '--json']);
    expect(whole.stdout).toContain('"deposed"');
    for (const text of [show.stdout, JSON.stringify(json), plan.stdout, replaced.stdout, replaced.stderr, whole.stdout]) expect(text).not.toContain('tok-ABCDEF-secret');
  });

  it('applies a saved plan exactly once and refuses it when stale, saying why', async () => {
    expect((await hl(['plan', '--out', 'p1'])).code).toBe(0);
    expect(readFileSync(join(dir, 'p1'), 'utf8')).not.toContain('tok-ABCDEF-secret');
    expect((await hl(['apply', 'p1'])).code).toBe(0);

    const serial = await hl(['apply', 'p1']);
    expect(serial.code).toBe(1);
    expect(serial.stderr).toMatch(/Saved plan p1 is stale: the state changed since it was made \(serial \d+ then, \d+ now\)/);

    expect((await hl(['plan', '--out', 'p2'])).code).toBe(0);
    writeFileSync(join(dir, 'homelab.yaml'), CONFIG.replace('value: 1', 'value: 2'));
    const config = await hl(['apply', 'p2']);
    expect(config.code).toBe(1);
    expect(config.stderr).toContain('the configuration in homelab.yaml changed since it was made');

    const other = mkdtempSync(join(tmpdir(), 'hl-cli-other-'));
    writeFileSync(join(other, 'homelab.yaml'), CONFIG);
    await runHl(['apply', '--auto-approve'], { cwd: other, env: { HL_VAR_token: 'x-secret-1' } });
    writeFileSync(join(dir, 'homelab.yaml'), CONFIG);
    const lineage = await runHl(['apply', join(dir, 'p2'), '--state', join(other, 'homelab.state.json'), '-c', join(dir, 'homelab.yaml')], { cwd: dir, env: { HL_VAR_token: 'x' } });
    expect(lineage.code).toBe(1);
    expect(lineage.stderr).toMatch(/it was made for a different state \(lineage [0-9a-f-]+; .* has lineage [0-9a-f-]+\)/);
  });

  it('reports user errors with a location and exit 1, never a stack trace', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), 'resources:\n  fake_resource.a: { name: a, valeu: 1 }\n');
    const r = await hl(['plan']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('homelab.yaml:2:');
    expect(r.stderr).toMatch(/Did you mean "value"\?/);
    expect(r.stderr).not.toMatch(/\n\s+at /);

    const unknown = await hl(['aply']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Did you mean "hl apply"?');

    const missingVar = await runHl(['plan'], { cwd: dir });
    expect(missingVar.code).toBe(1);
  });

  it('asks nothing and changes nothing without an answer on standard input', async () => {
    const r = await hl(['apply']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nothing was changed');
    expect((await hl(['state', 'list'])).stdout).toBe('');
  });
});
