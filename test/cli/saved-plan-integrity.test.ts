/**
 * Issue 14, item 12: a saved plan is not trusted whole. Each way an edited or mismatched plan
 * got applied before is refused by name, with nothing changed in the provider's world or in
 * state: an edited delete id (a guest hl never managed), a configHash copied from another
 * plan, a no-op turned into a delete of a prevent_destroy resource, a missing -c path, a plan
 * without or with a foreign integrity check. "Re-signed" variants sign the edited plan with
 * the real key (as a buggy hl would): the checks against the locked state must still refuse.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodePlan, encodePlan } from '../../src/plan/plan-codec.js';
import { runHl, type HlResult } from '../support/run-hl.js';

const V1 = `
resources:
  fake_resource.keep: { name: keep, lifecycle: { prevent_destroy: true } }
  fake_resource.a: { name: a }
  fake_resource.b: { name: b }
`;
const V2 = `
resources:
  fake_resource.keep: { name: keep, lifecycle: { prevent_destroy: true } }
  fake_resource.a: { name: a }
`;
const STRANGER = `
resources:
  fake_resource.stranger: { name: stranger }
`;

interface PlanJson {
  configHash: string;
  mac?: string;
  changes: { address: string; action: string; id: string | null; after: unknown; reason?: string }[];
}

let dir: string;
const hl = (args: string[], cwd = dir) => runHl(args, { cwd });
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const world = () => read('.hl/providers/fake/fake-world.jsonl');
const stateIds = (file = 'homelab.state.json') =>
  Object.fromEntries((JSON.parse(read(file)) as { resources: { address: string; id: string }[] }).resources.map((r) => [r.address, r.id]));

/** Everything an apply could change: the world, both states and their journals. */
function snapshot(): string {
  const files = ['homelab.state.json', 'other.state.json', '.hl/providers/fake/fake-world.jsonl'];
  return files.map((f) => read(f)).join('\n----\n') + readJournal();
}
function readJournal(): string {
  try {
    return read('homelab.state.json.journal');
  } catch {
    return '';
  }
}

function expectRefused(r: HlResult, message: RegExp): void {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

/** The plan file with `edit` applied to its JSON, unsigned (as a person would leave it). */
function edited(name: string, edit: (p: PlanJson) => void): string {
  const p = JSON.parse(read('p.plan')) as PlanJson;
  edit(p);
  writeFileSync(join(dir, name), JSON.stringify(p, null, 1));
  return name;
}

/** The edited plan signed again with this state's key (what a buggy hl could write). */
function resigned(name: string, edit: (p: PlanJson) => void): string {
  const file = edited(name, edit);
  const key = Buffer.from(read('homelab.state.json.plankey').trim(), 'hex');
  const decoded = decodePlan(read(file), file);
  expect(decoded.diagnostics).toEqual([]);
  writeFileSync(join(dir, file), encodePlan(decoded.plan!, key));
  return file;
}

let strangerId: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hl-saved-plan-'));
  writeFileSync(join(dir, 'homelab.yaml'), V1);
  writeFileSync(join(dir, 'stranger.yaml'), STRANGER);
  expect((await hl(['apply', '--auto-approve'])).code).toBe(0);
  // an object in the same world that this state does not manage
  expect((await hl(['apply', '--auto-approve', '-c', 'stranger.yaml', '--state', 'other.state.json'])).code).toBe(0);
  strangerId = stateIds('other.state.json')['fake_resource.stranger']!;
  writeFileSync(join(dir, 'homelab.yaml'), V2);
  const plan = await hl(['plan', '--out', 'p.plan']);
  expect(plan.code, plan.stderr).toBe(0);
});

describe('hl apply PLANFILE refuses a plan it cannot trust', () => {
  it('signs the plan with a private key beside the state, never shown, and applies the genuine plan', async () => {
    const key = read('homelab.state.json.plankey').trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dir, 'homelab.state.json.plankey')).mode & 0o777).toBe(0o600);
    expect(read('p.plan')).not.toContain(key);
    expect((JSON.parse(read('p.plan')) as PlanJson).mac).toMatch(/^[0-9a-f]{64}$/);
    const applied = await hl(['apply', 'p.plan']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain(key);
    expect(stateIds()).not.toHaveProperty(['fake_resource.b']);
  });

  it("refuses a delete whose id was edited to an object hl does not manage, and orphans nothing", async () => {
    const before = snapshot();
    const edit = (p: PlanJson) => (p.changes.find((c) => c.action === 'delete')!.id = strangerId);
    expectRefused(await hl(['apply', edited('id.plan', edit)]), /Saved plan id\.plan was changed after "hl plan" wrote it/);
    expectRefused(
      await hl(['apply', resigned('id-signed.plan', edit)]),
      new RegExp(`fake_resource\\.b \\(delete\\): the plan names object "${strangerId}", but state holds "fake-\\d+" there`),
    );
    expect(snapshot()).toBe(before);
  });

  it('refuses a configHash copied from another plan: the configuration it carries is hashed', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), V1); // the config on disk is V1 again; p.plan carries V2
    expect((await hl(['plan', '--out', 'q.plan'])).code).toBe(0);
    const otherHash = (JSON.parse(read('q.plan')) as PlanJson).configHash;
    const before = snapshot();
    const edit = (p: PlanJson) => (p.configHash = otherHash);
    expectRefused(await hl(['apply', edited('hash.plan', edit)]), /Saved plan hash\.plan was changed after "hl plan" wrote it/);
    expectRefused(await hl(['apply', resigned('hash-signed.plan', edit)]), /Saved plan hash-signed\.plan is damaged: the configuration it carries does not match its configHash/);
    expect(snapshot()).toBe(before);
  });

  it('refuses a no-op turned into a delete of a prevent_destroy resource', async () => {
    const before = snapshot();
    const edit = (p: PlanJson) => {
      const keep = p.changes.find((c) => c.address === 'fake_resource.keep')!;
      keep.action = 'delete';
      keep.after = null;
    };
    expectRefused(await hl(['apply', edited('keep.plan', edit)]), /Saved plan keep\.plan was changed after "hl plan" wrote it/);
    expectRefused(await hl(['apply', resigned('keep-signed.plan', edit)]), /fake_resource\.keep \(delete\): it has lifecycle\.prevent_destroy, but the plan would destroy it/);
    expect(snapshot()).toBe(before);
  });

  it('refuses a plan when the -c path is missing instead of skipping the config check', async () => {
    const before = snapshot();
    const r = await hl(['apply', 'p.plan', '-c', 'nowhere.yaml']);
    expectRefused(r, /Saved plan p\.plan cannot be checked against the configuration nowhere\.yaml/);
    expect(r.stderr).toContain('nowhere.yaml');
    expect(snapshot()).toBe(before);
  });

  it('refuses a plan without an integrity check, and one made with another state\'s key', async () => {
    const before = snapshot();
    expectRefused(await hl(['apply', edited('nomac.plan', (p) => delete p.mac)]), /Saved plan nomac\.plan carries no integrity check/);
    // the same state (lineage and serial) copied elsewhere, with its own key
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    copyFileSync(join(dir, 'homelab.state.json'), join(elsewhere, 'homelab.state.json'));
    copyFileSync(join(dir, 'homelab.yaml'), join(elsewhere, 'homelab.yaml'));
    expectRefused(await hl(['apply', join(dir, 'p.plan')], elsewhere), /there is no plan key .*homelab\.state\.json\.plankey beside this state, so the plan was made with another state's key/);
    writeFileSync(join(elsewhere, 'homelab.state.json.plankey'), `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    expectRefused(await hl(['apply', join(dir, 'p.plan')], elsewhere), /was changed after "hl plan" wrote it \(or was made with another state's key\)/);
    expect(snapshot()).toBe(before);
    expect(read('elsewhere/homelab.state.json')).toBe(read('homelab.state.json'));
  });
});
