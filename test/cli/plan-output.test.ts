/**
 * What `hl plan` prints, from a real process: the JSON plan (`hl plan --out F`, then `hl show
 * --json F`) validates against schemas/plan-json.schema.json, drift shows apart from changes, --refresh-only and
 * --target behave, and `hl graph` prints DOT and Mermaid.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeWorld } from '../../providers/fake/fake-world.js';
import { runHl } from '../support/run-hl.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/plan-json.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

const CONFIG = `
variables:
  secret: { type: string, sensitive: true, default: "pw-0123456789" }
resources:
  fake_resource.a: { name: a, size: 1 }
  fake_resource.b: { name: b, value: "\${fake_resource.a.id}", secret: "\${var.secret}" }
  fake_resource.c: { name: c }
`;

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hl-plan-out-'));
  writeFileSync(join(dir, 'homelab.yaml'), CONFIG);
});

describe('hl plan output', () => {
  it('hl plan --out F then hl show --json F print the plan in the show -json shape that validates against the schema, with unknowns and secrets masked', async () => {
    expect((await runHl(['plan', '--out', 'tfplan'], { cwd: dir })).code).toBe(0);
    const r = await runHl(['show', '--json', 'tfplan'], { cwd: dir });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { resource_changes: { address: string; change: { actions: string[]; after_unknown: Record<string, unknown>; after_sensitive: Record<string, unknown> } }[] };
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    const b = json.resource_changes.find((c) => c.address === 'fake_resource.b')!;
    expect(b.change.actions).toEqual(['create']);
    expect(b.change.after_unknown['value']).toBe(true);
    expect(b.change.after_sensitive['secret']).toBe(true);
    expect(r.stdout).not.toContain('pw-0123456789');
  });

  it('shows drift apart from changes, records it with --refresh-only, and --target limits the plan', async () => {
    expect((await runHl(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    // change an object behind hl's back, in the fake provider's world
    const worldFile = join(dir, '.hl', 'providers', 'fake', 'fake-world.jsonl');
    const world = new FakeWorld(worldFile);
    const a = world.list().find((o) => o.attributes['name'] === 'a')!;
    world.put({ ...a, attributes: { ...a.attributes, size: 99 } });
    world.close();

    const plan = await runHl(['plan'], { cwd: dir });
    expect(plan.stdout).toContain('Objects have changed outside of hl');
    expect(plan.stdout).toMatch(/size\s+=\s+1 -> 99/);
    expect(plan.stdout).toMatch(/size\s+=\s+99 -> 1/);
    expect(plan.stdout).toContain('Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy.');

    const targeted = await runHl(['plan', '--target', 'fake_resource.c', '--detailed-exitcode'], { cwd: dir });
    expect(targeted.code).toBe(0);

    const refreshOnly = await runHl(['apply', '--refresh-only', '--auto-approve'], { cwd: dir });
    expect(refreshOnly.code).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address: string; attributes: { size: number } }[] };
    expect(state.resources.find((r) => r.address === 'fake_resource.a')!.attributes.size).toBe(99);

    const noRefresh = await runHl(['plan', '--refresh=false'], { cwd: dir });
    expect(noRefresh.stdout).not.toContain('Objects have changed outside of hl');
    expect(noRefresh.stdout).toMatch(/size\s+=\s+99 -> 1/);
  });

  it('prints the dependency graph as DOT and Mermaid', async () => {
    const dot = await runHl(['graph'], { cwd: dir });
    expect(dot.stdout).toContain('"fake_resource.b" -> "fake_resource.a";');
    const mermaid = await runHl(['graph', '--format', 'mermaid'], { cwd: dir });
    expect(mermaid.stdout).toMatch(/^flowchart RL/);
    expect(mermaid.stdout).toContain('-->');
  });
});
