/**
 * examples/crucible: a k3s node whose data disk is a crucible_disk restored from a snapshot,
 * against the embedded emulator (`emulated: true`). In-process through the engine (plan, apply,
 * re-plan without changes or drift); and through the real CLI (validate, apply, plan
 * --detailed-exitcode) once the crucible provider is registered in src/engine/provider-registry.ts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinProviders } from '../../src/cli/builtin-registries.js';
import { CrucibleProvider } from '../../providers/crucible/index.js';
import { runHl } from '../support/run-hl.js';
import { engineRun } from './support/engine-run.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/crucible', import.meta.url));
const registered = builtinProviders().types().includes('crucible');

describe('examples/crucible in-process', () => {
  const provider = new CrucibleProvider();
  afterAll(async () => {
    await provider.close();
  });

  it('plans the restart of the running node, applies, and then plans no changes', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'hl-crucible-example-'));
    await provider.configure({ config: { emulated: true }, configDir: EXAMPLE, workDir });
    const run = engineRun({ crucible: { provider, config: { emulated: true } } });
    const yaml = readFileSync(join(EXAMPLE, 'main.yaml'), 'utf8');
    const first = await run.plan(yaml);
    expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(first.plan!.changes.map((c) => [c.address, c.action])).toEqual([
      ['crucible_disk.k3s_data_last_good', 'create'],
      ['crucible_snapshot.k3s_data_good', 'create'],
      ['crucible_disk.k3s_data', 'create'],
      ['crucible_attachment.k3s_node', 'create'],
    ]);
    expect(first.plan!.changes.find((c) => c.address === 'crucible_attachment.k3s_node')!.notes[0]).toMatch(
      /VM pve\/107 must be stopped: if it is running at apply time, hl shuts it down and starts it again/,
    );
    const applied = await run.apply(yaml);
    expect(applied.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(applied.counts.added).toBe(4);
    const store = await run.openStore();
    const disk = store.getResource('crucible_disk.k3s_data')!.attributes;
    const snap = store.getResource('crucible_snapshot.k3s_data_good')!.attributes;
    await store.close();
    expect(disk).toMatchObject({ size: '20G', state: 'ready', source: { type: 'snapshot', snapshot_id: snap.id }, redundancy: { mode: 'none' } });
    expect(snap.consistency).toBe('crash');
    const again = await run.plan(yaml);
    expect(again.plan!.changes.filter((c) => c.action !== 'no-op')).toEqual([]);
    expect(again.plan!.drift).toEqual([]);
    expect(again.plan!.hasChanges).toBe(false);
  });
});

describe.skipIf(!registered)('examples/crucible through the CLI', () => {
  it('validates, applies, and re-plans with no changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-crucible-cli-'));
    const state = join(dir, 'crucible.state.json');
    const v = await runHl(['validate', '-c', EXAMPLE], { cwd: dir });
    expect(v.stdout + v.stderr).toContain('Success!');
    const a = await runHl(['apply', '-c', EXAMPLE, '--state', state, '--auto-approve'], { cwd: dir });
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('Apply complete! Resources: 4 added');
    expect(a.stdout).toMatch(/data_disk_device = "\/dev\/disk\/by-id\/scsi-0QEMU_QEMU_HARDDISK_[0-9a-f]{20}"/);
    const p = await runHl(['plan', '-c', EXAMPLE, '--state', state, '--detailed-exitcode'], { cwd: dir });
    expect(p.stdout).toContain('No changes');
    expect(p.code).toBe(0);
  }, 120_000);
});
