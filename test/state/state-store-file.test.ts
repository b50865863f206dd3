import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../../src/core/diagnostic.js';
import { StateStore } from '../../src/state/state-store.js';
import { compileStateValidator, findStateSchemaFile } from '../../src/state/state-schema.js';
import type { State } from '../../src/state/state-types.js';
import { LINEAGE, resource, storeOpts, tempDir } from './helpers.js';

let t: Awaited<ReturnType<typeof tempDir>>;
let file: string;
beforeEach(async () => {
  t = await tempDir();
  file = join(t.dir, 'homelab.state.json');
});
afterEach(async () => {
  await t.dispose();
});

function validState(over: Partial<State> = {}): State {
  return {
    version: 1,
    lineage: LINEAGE,
    serial: 7,
    hlVersion: '0.0.9',
    resources: [resource('proxmox_vm.web', { cores: 2 })],
    outputs: { ip: { value: '10.0.0.5', sensitive: false } },
    ...over,
  };
}

async function writeState(s: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
}

const readState = async (): Promise<State> => JSON.parse(await readFile(file, 'utf8')) as State;

describe('state schema', () => {
  it('is found by walking up from the module and accepts a valid state', async () => {
    const schemaFile = findStateSchemaFile();
    expect(schemaFile.endsWith(join('schemas', 'state.schema.json'))).toBe(true);
    const validate = compileStateValidator(JSON.parse(await readFile(schemaFile, 'utf8')) as object);
    expect(validate.state(validState())).toEqual([]);
  });

  it.each([
    ['a wrong version', { version: 2 }],
    ['a lineage that is not a UUID', { lineage: 'abc' }],
    ['a negative serial', { serial: -1 }],
    ['a fractional serial', { serial: 1.5 }],
    ['an unknown top-level property', { extra: true }],
    ['a resource with a bad status', { resources: [{ ...resource('proxmox_vm.a'), status: 'broken' }] }],
    ['a resource with an unknown property', { resources: [{ ...resource('proxmox_vm.a'), color: 'red' }] }],
    ['an output without sensitive', { outputs: { x: { value: 1 } } }],
  ])('rejects %s', async (_reason, over) => {
    const validate = compileStateValidator(JSON.parse(await readFile(findStateSchemaFile(), 'utf8')) as object);
    expect(validate.state({ ...validState(), ...over }).length).toBeGreaterThan(0);
  });
});

describe('StateStore: loading', () => {
  it('treats a missing file as an empty state and writes nothing until the first change', async () => {
    const store = await StateStore.open(file, storeOpts);
    expect(store.state).toMatchObject({ version: 1, lineage: LINEAGE, serial: 0, resources: [], outputs: {} });
    await store.checkpoint();
    await store.close();
    expect(await readdir(t.dir)).toEqual([]);
  });

  it('writes the first change as serial 1, mode 0600, without a backup', async () => {
    const store = await StateStore.open(file, storeOpts);
    await store.setResource(resource('proxmox_vm.a'));
    await store.checkpoint();
    await store.close();
    const s = await readState();
    expect(s.serial).toBe(1);
    expect(s.lineage).toBe(LINEAGE);
    expect(s.hlVersion).toBe('0.1.0-test');
    expect(s.resources.map((r) => r.address)).toEqual(['proxmox_vm.a']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readdir(t.dir)).sort()).toEqual(['homelab.state.json', 'homelab.state.json.journal']);
  });

  it('loads a valid file and tightens a world-readable mode', async () => {
    await writeState(validState());
    await chmod(file, 0o644);
    const store = await StateStore.open(file, storeOpts);
    expect(store.serial).toBe(7);
    expect(store.getResource('proxmox_vm.web')?.attributes).toEqual({ cores: 2 });
    expect(store.outputs.ip?.value).toBe('10.0.0.5');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await store.close();
  });

  it('refuses to start a state in a directory that does not exist', async () => {
    await expect(StateStore.open(join(t.dir, 'missing', 's.json'), storeOpts)).rejects.toThrow(/directory .*missing does not exist/);
  });

  it('validates with an injected schema', async () => {
    await writeState(validState());
    const schema = JSON.parse(await readFile(findStateSchemaFile(), 'utf8')) as { properties: Record<string, object> };
    schema.properties.serial = { type: 'integer', maximum: 5 };
    const err = await StateStore.open(file, { ...storeOpts, schema }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/\/serial: must be <= 5/);
  });

  const corrupt: [string, string, RegExp][] = [
    ['invalid JSON', '{"version": 1, "lineage": ', /is not valid JSON/],
    ['an empty file', '', /is empty/],
    ['a schema violation', JSON.stringify({ ...validState(), serial: -3 }), /does not match the hl state schema: \/serial/],
    [
      'a Terraform state',
      JSON.stringify({ version: 4, terraform_version: '1.5.7', serial: 3, lineage: 'x', outputs: {}, resources: [] }),
      /Terraform\/OpenTofu state file \(terraform_version 1\.5\.7\)/,
    ],
    ['a Pulumi checkpoint', JSON.stringify({ version: 3, checkpoint: {} }), /Pulumi checkpoint/],
    ['a newer hl format', JSON.stringify({ ...validState(), version: 2 }), /newer hl \(state format version 2/],
    [
      'duplicate addresses',
      JSON.stringify({ ...validState(), resources: [resource('proxmox_vm.a'), resource('proxmox_vm.a')] }),
      /lists resource proxmox_vm\.a more than once/,
    ],
    ['a JSON array', '[]', /top level is not an object/],
  ];

  it.each(corrupt)('refuses %s, names the file and leaves it byte-identical', async (_what, text, message) => {
    await writeFile(file, text, { mode: 0o644 });
    await chmod(file, 0o644);
    for (const readOnly of [false, true]) {
      const err = await StateStore.open(file, { ...storeOpts, readOnly }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DiagnosticsError);
      const d = (err as DiagnosticsError).diagnostics[0]!;
      expect(d.summary).toMatch(message);
      expect(d.summary).toContain(file);
    }
    expect(await readFile(file, 'utf8')).toBe(text);
    expect((await stat(file)).mode & 0o777).toBe(0o644); // not even chmod'ed
    expect(await readdir(t.dir)).toEqual(['homelab.state.json']);
  });
});

describe('StateStore: checkpoints, serial and backup', () => {
  it('bumps the serial only when the content changed', async () => {
    await writeState(validState());
    const store = await StateStore.open(file, storeOpts);
    const before = await stat(file);
    await store.checkpoint();
    await store.setResource(resource('proxmox_vm.web', { cores: 2 })); // identical content
    await store.checkpoint();
    expect(store.serial).toBe(7);
    const same = await stat(file);
    expect([same.ino, same.mtimeMs]).toEqual([before.ino, before.mtimeMs]);

    await store.setResource(resource('proxmox_vm.web', { cores: 4 }));
    await store.checkpoint();
    expect(store.serial).toBe(8);
    expect((await readState()).serial).toBe(8);

    await store.setResource(resource('proxmox_vm.tmp'));
    await store.removeResource('proxmox_vm.tmp'); // net: no change
    await store.checkpoint();
    expect(store.serial).toBe(8);
    await store.close();
  });

  it('keeps the previous file as .backup once per run', async () => {
    await writeState(validState());
    const original = await readFile(file, 'utf8');

    const run1 = await StateStore.open(file, storeOpts);
    await run1.setResource(resource('proxmox_vm.b'));
    await run1.checkpoint();
    const backup = join(t.dir, 'homelab.state.json.backup');
    expect(await readFile(backup, 'utf8')).toBe(original);
    expect((await stat(backup)).mode & 0o777).toBe(0o600);
    await run1.setResource(resource('proxmox_vm.c'));
    await run1.checkpoint();
    expect(await readFile(backup, 'utf8')).toBe(original); // still the run's starting point
    expect((await readState()).serial).toBe(9);
    await run1.close();

    const atRun2Start = await readFile(file, 'utf8');
    const run2 = await StateStore.open(file, storeOpts);
    await run2.removeResource('proxmox_vm.b');
    await run2.checkpoint();
    expect(await readFile(backup, 'utf8')).toBe(atRun2Start);
    expect((await readState()).serial).toBe(10);
    await run2.close();
    expect((await readdir(t.dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('checkpointIfDue honours the interval', async () => {
    let now = 1_000;
    const store = await StateStore.open(file, { ...storeOpts, checkpointIntervalMs: 5_000, now: () => now });
    await store.setResource(resource('proxmox_vm.a'));
    expect(await store.checkpointIfDue()).toBe(false);
    now += 5_000;
    expect(await store.checkpointIfDue()).toBe(true);
    expect(store.serial).toBe(1);
    now += 10_000;
    expect(await store.checkpointIfDue()).toBe(false); // nothing changed
    await store.close();
  });

  it('writes resources sorted by address', async () => {
    const store = await StateStore.open(file, storeOpts);
    for (const a of ['proxmox_vm.c', 'proxmox_vm.a', 'proxmox_lxc.z']) await store.setResource(resource(a));
    await store.checkpoint();
    await store.close();
    expect((await readState()).resources.map((r) => r.address)).toEqual(['proxmox_lxc.z', 'proxmox_vm.a', 'proxmox_vm.c']);
  });
});

describe('StateStore: CLI mutations', () => {
  it('moves, removes and sets outputs, refusing bad requests with diagnostics', async () => {
    const store = await StateStore.open(file, storeOpts);
    await store.setResource(resource('proxmox_vm.web[0]', { cores: 1 }));
    const moved = await store.moveResource('proxmox_vm.web[0]', 'proxmox_vm.frontend["a"]');
    expect(moved).toMatchObject({ address: 'proxmox_vm.frontend["a"]', name: 'frontend', index: 'a' });
    expect(store.getResource('proxmox_vm.web[0]')).toBeUndefined();

    await expect(store.moveResource('proxmox_vm.frontend["a"]', 'proxmox_lxc.x')).rejects.toThrow(/keeps its type/);
    await expect(store.moveResource('proxmox_vm.frontend["a"]', 'not an address')).rejects.toThrow(/Invalid resource address/);
    await store.setResource(resource('proxmox_vm.other'));
    await expect(store.moveResource('proxmox_vm.other', 'proxmox_vm.frontend["a"]')).rejects.toThrow(/already in state/);
    const missing = (await store.removeResource('proxmox_vm.frontend["b"]').catch((e: unknown) => e)) as DiagnosticsError;
    expect(missing).toBeInstanceOf(DiagnosticsError);
    expect(missing.diagnostics[0]!.detail).toContain('Did you mean proxmox_vm.frontend["a"]?');

    await store.setOutputs({ url: { value: 'https://x', sensitive: false } });
    await store.checkpoint();
    await store.close();

    const again = await StateStore.open(file, storeOpts);
    expect(again.listResources().map((r) => r.address).sort()).toEqual(['proxmox_vm.frontend["a"]', 'proxmox_vm.other']);
    expect(again.outputs).toEqual({ url: { value: 'https://x', sensitive: false } });
    await again.close();
  });

  it('refuses (as a bug) resources and outputs the schema would reject, before journaling them', async () => {
    const store = await StateStore.open(file, storeOpts);
    await expect(store.setResource({ ...resource('proxmox_vm.a'), status: 'weird' as 'ready' })).rejects.toThrow(
      /bug: invalid state for proxmox_vm\.a: \/status/,
    );
    const { UNKNOWN } = await import('../../src/core/value.js');
    await expect(store.setResource(resource('proxmox_vm.a', { mac: UNKNOWN }))).rejects.toThrow(/unknown until apply/);
    await expect(store.setOutputs({ x: { value: 1 } as never })).rejects.toThrow(/bug: invalid output x/);
    await store.close();
    expect(await readdir(t.dir)).toEqual([]);
    await expect(StateStore.open(file, { ...storeOpts, newLineage: () => 'nope' })).rejects.toThrow(/not a UUID/);
  });

  it('read-only mode refuses every mutation', async () => {
    const store = await StateStore.open(file, { ...storeOpts, readOnly: true });
    await expect(store.setResource(resource('proxmox_vm.a'))).rejects.toThrow(/read-only/);
    await expect(store.beginIntent({ address: 'proxmox_vm.a', operation: 'create', type: 'proxmox_vm', provider: 'proxmox' })).rejects.toThrow(
      /read-only/,
    );
    await expect(store.checkpoint()).rejects.toThrow(/read-only/);
    await store.close();
    expect(await readdir(t.dir)).toEqual([]);
  });
});
