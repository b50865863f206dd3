import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../../src/core/diagnostic.js';
import { isUnknown, UNKNOWN } from '../../src/core/value.js';
import { encodeJournalLine, journalHeader } from '../../src/state/journal-records.js';
import { StateStore } from '../../src/state/state-store.js';
import type { State } from '../../src/state/state-types.js';
import { LINEAGE, resource, storeOpts, tempDir } from './helpers.js';

let t: Awaited<ReturnType<typeof tempDir>>;
let file: string;
let journal: string;
beforeEach(async () => {
  t = await tempDir();
  file = join(t.dir, 'homelab.state.json');
  journal = `${file}.journal`;
});
afterEach(async () => {
  await t.dispose();
});

const intentFor = (address: string, operation: 'create' | 'update' | 'delete' = 'create') => ({
  address,
  operation,
  type: 'proxmox_vm',
  provider: 'proxmox',
  identity: { node: 'pve', vmid: 107 },
});

async function writeState(s: State): Promise<void> {
  await writeFile(file, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
}

function stateWith(count: number, serial = 3): State {
  const resources = [];
  for (let i = 0; i < count; i++) {
    resources.push(resource(`proxmox_vm.bulk[${i}]`, { vmid: 1000 + i, description: 'y'.repeat(600), tags: ['a', 'b'] }));
  }
  return { version: 1, lineage: LINEAGE, serial, hlVersion: 'x', resources, outputs: {} };
}

describe('journal replay', () => {
  it('replays hand-written intent and completion lines after a crash (no checkpoint)', async () => {
    await writeState(stateWith(1));
    const lines = [
      encodeJournalLine(journalHeader(LINEAGE, 3)),
      encodeJournalLine({ t: 'begin', intent: { intentId: 'i1', ...intentFor('proxmox_vm.new') } }),
      encodeJournalLine({ t: 'done', intentId: 'i1', outcome: { kind: 'applied', resource: resource('proxmox_vm.new', { vmid: 107 }) } }),
      encodeJournalLine({ t: 'begin', intent: { intentId: 'i2', ...intentFor('proxmox_vm.bulk[0]', 'delete') } }),
      encodeJournalLine({ t: 'done', intentId: 'i2', outcome: { kind: 'deleted', address: 'proxmox_vm.bulk[0]' } }),
    ];
    await writeFile(journal, lines.join(''));
    const store = await StateStore.open(file, storeOpts);
    expect(store.listResources().map((r) => r.address)).toEqual(['proxmox_vm.new']);
    expect(store.pendingIntents()).toEqual([]);
    expect(store.serial).toBe(3);
    await store.checkpoint();
    expect(store.serial).toBe(4);
    expect(await readFile(journal, 'utf8')).toBe(''); // truncated: nothing open
    await store.close();
  });

  it('keeps what an abandoned store (a crashed process) made durable', async () => {
    const crashed = await StateStore.open(file, storeOpts);
    const id = await crashed.beginIntent(intentFor('proxmox_vm.a'));
    await crashed.completeIntent(id, { kind: 'applied', resource: resource('proxmox_vm.a', { vmid: 107 }) });
    await crashed.setOutputs({ ip: { value: '10.0.0.7', sensitive: false } });
    // no checkpoint, no close: the process "dies" here
    expect(await readdir(t.dir)).toEqual(['homelab.state.json.journal']);

    const store = await StateStore.open(file, { ...storeOpts, newLineage: () => 'must-not-be-used' });
    expect(store.lineage).toBe(LINEAGE); // taken from the journal: the state file was never written
    expect(store.getResource('proxmox_vm.a')?.attributes).toEqual({ vmid: 107 });
    expect(store.outputs.ip?.value).toBe('10.0.0.7');
    expect(store.hasUncheckpointedChanges).toBe(true);
    await store.checkpoint();
    expect(store.serial).toBe(1);
    await store.close();
    await crashed.close();
  });

  it('reports intents with no outcome as pending, until resolved', async () => {
    const crashed = await StateStore.open(file, storeOpts);
    await crashed.beginIntent({ ...intentFor('proxmox_vm.lost'), planned: { name: 'lost', mac: UNKNOWN } });
    await crashed.beginIntent(intentFor('proxmox_vm.never'));
    await crashed.close();

    const run2 = await StateStore.open(file, storeOpts);
    const pending = run2.pendingIntents();
    expect(pending.map((p) => p.address)).toEqual(['proxmox_vm.lost', 'proxmox_vm.never']);
    expect(pending[0]).toMatchObject({ operation: 'create', identity: { node: 'pve', vmid: 107 } });
    expect(isUnknown(pending[0]!.planned!.mac)).toBe(true);
    // A checkpoint before reconciliation must not lose them.
    await run2.setResource(resource('proxmox_vm.unrelated'));
    await run2.checkpoint();
    await run2.close();

    const run3 = await StateStore.open(file, storeOpts);
    expect(run3.pendingIntents().map((p) => p.address)).toEqual(['proxmox_vm.lost', 'proxmox_vm.never']);
    const [lost, never] = run3.pendingIntents();
    await run3.resolvePending(lost!.intentId, { kind: 'adopted', resource: resource('proxmox_vm.lost', { vmid: 107 }) });
    await run3.resolvePending(never!.intentId, { kind: 'dropped' });
    expect(run3.pendingIntents()).toEqual([]);
    await run3.close();

    const run4 = await StateStore.open(file, storeOpts);
    expect(run4.pendingIntents()).toEqual([]);
    expect(run4.getResource('proxmox_vm.lost')).toBeDefined();
    expect(run4.getResource('proxmox_vm.never')).toBeUndefined();
    await run4.close();
  });

  it('keeps a failed create as tainted when the provider left something behind', async () => {
    const store = await StateStore.open(file, storeOpts);
    const id = await store.beginIntent(intentFor('proxmox_vm.half'));
    await store.completeIntent(id, { kind: 'failed', message: 'cloud-init timeout', taint: resource('proxmox_vm.half') });
    const id2 = await store.beginIntent(intentFor('proxmox_vm.none'));
    await store.completeIntent(id2, { kind: 'failed', message: 'quota' });
    await store.close();
    const again = await StateStore.open(file, storeOpts);
    expect(again.getResource('proxmox_vm.half')?.status).toBe('tainted');
    expect(again.getResource('proxmox_vm.none')).toBeUndefined();
    expect(again.pendingIntents()).toEqual([]);
    await again.close();
  });

  it('ignores a torn last line, then appends cleanly after it', async () => {
    const crashed = await StateStore.open(file, storeOpts);
    await crashed.setResource(resource('proxmox_vm.a'));
    await crashed.close();
    const torn = encodeJournalLine({ t: 'set', resource: resource('proxmox_vm.torn') }).slice(0, 40);
    await appendFile(journal, torn);

    const ro = await StateStore.open(file, { ...storeOpts, readOnly: true });
    expect(ro.listResources().map((r) => r.address)).toEqual(['proxmox_vm.a']);
    const bytes = await readFile(journal);

    const store = await StateStore.open(file, storeOpts);
    expect(await readFile(journal)).toEqual(bytes); // opening alone changes nothing
    await store.setResource(resource('proxmox_vm.b'));
    await store.close();
    const text = await readFile(journal, 'utf8');
    expect(text).not.toContain('proxmox_vm.torn');
    expect(text.endsWith('\n')).toBe(true);

    const again = await StateStore.open(file, storeOpts);
    expect(again.listResources().map((r) => r.address).sort()).toEqual(['proxmox_vm.a', 'proxmox_vm.b']);
    await again.close();
  });

  it('ignores NUL garbage left at the end by a power cut', async () => {
    const crashed = await StateStore.open(file, storeOpts);
    await crashed.setResource(resource('proxmox_vm.a'));
    await crashed.close();
    await appendFile(journal, Buffer.alloc(64, 0));
    const store = await StateStore.open(file, storeOpts);
    expect(store.listResources().map((r) => r.address)).toEqual(['proxmox_vm.a']);
    await store.close();
  });

  it('refuses a journal damaged before its last line and leaves both files alone', async () => {
    await writeState(stateWith(1));
    const text = [
      encodeJournalLine(journalHeader(LINEAGE, 3)),
      '{"t":"set","resource":\n',
      encodeJournalLine({ t: 'rm', address: 'proxmox_vm.bulk[0]' }),
    ].join('');
    await writeFile(journal, text);
    const stateBytes = await readFile(file);
    const err = (await StateStore.open(file, storeOpts).catch((e: unknown) => e)) as DiagnosticsError;
    expect(err).toBeInstanceOf(DiagnosticsError);
    expect(err.message).toContain(`${journal} is damaged at line 2`);
    expect(await readFile(journal, 'utf8')).toBe(text);
    expect(await readFile(file)).toEqual(stateBytes);
  });

  it('refuses a journal from another lineage, or continuing a newer serial', async () => {
    await writeState(stateWith(1));
    const other = 'ffffffff-0000-4000-8000-000000000000';
    await writeFile(journal, encodeJournalLine(journalHeader(other, 3)) + encodeJournalLine({ t: 'rm', address: 'x.y' }));
    await expect(StateStore.open(file, storeOpts)).rejects.toThrow(/belongs to a different state/);
    await writeFile(journal, encodeJournalLine(journalHeader(LINEAGE, 9)) + encodeJournalLine({ t: 'rm', address: 'x.y' }));
    await expect(StateStore.open(file, storeOpts)).rejects.toThrow(/continues serial 9, but .* has the older serial 3/);
  });

  it('replays idempotently after a crash between writing the state file and truncating the journal', async () => {
    await writeState(stateWith(3));
    const store = await StateStore.open(file, storeOpts);
    await store.moveResource('proxmox_vm.bulk[0]', 'proxmox_vm.bulk[9]');
    await store.moveResource('proxmox_vm.bulk[1]', 'proxmox_vm.bulk[0]'); // order matters for moves
    const id = await store.beginIntent(intentFor('proxmox_vm.bulk[2]', 'update'));
    await store.completeIntent(id, { kind: 'applied', resource: resource('proxmox_vm.bulk[2]', { vmid: 5 }) });
    await store.beginIntent(intentFor('proxmox_vm.inflight'));
    const oldJournal = await readFile(journal);
    await store.checkpoint();
    await store.close();
    const checkpointed = await readFile(file, 'utf8');
    await writeFile(journal, oldJournal); // as if the truncation never happened

    const again = await StateStore.open(file, storeOpts);
    expect(again.state.resources).toEqual(JSON.parse(checkpointed).resources);
    expect(again.pendingIntents().map((p) => p.address)).toEqual(['proxmox_vm.inflight']);
    await again.checkpoint();
    expect(again.serial).toBe(4); // nothing new: no bump
    expect(await readFile(file, 'utf8')).toBe(checkpointed);
    await again.close();
  });

  it('read-only mode replays the journal in memory and writes nothing', async () => {
    await writeState(stateWith(2));
    const store = await StateStore.open(file, storeOpts);
    await store.removeResource('proxmox_vm.bulk[0]');
    await store.beginIntent(intentFor('proxmox_vm.p'));
    await store.close();
    await appendFile(journal, '{"t":"se'); // torn tail: must not be truncated in read-only mode
    const before = await Promise.all([readFile(file), readFile(journal)]);
    const statsBefore = await Promise.all([stat(file), stat(journal)]);

    const ro = await StateStore.open(file, { ...storeOpts, readOnly: true });
    expect(ro.listResources().map((r) => r.address)).toEqual(['proxmox_vm.bulk[1]']);
    expect(ro.pendingIntents().map((p) => p.address)).toEqual(['proxmox_vm.p']);
    await ro.close();
    expect(await Promise.all([readFile(file), readFile(journal)])).toEqual(before);
    const statsAfter = await Promise.all([stat(file), stat(journal)]);
    expect(statsAfter.map((s) => s.mtimeMs)).toEqual(statsBefore.map((s) => s.mtimeMs));
    expect((await readdir(t.dir)).sort()).toEqual(['homelab.state.json', 'homelab.state.json.journal']);
  });

  it('stays consistent when checkpoints run while operations complete in parallel', async () => {
    const store = await StateStore.open(file, storeOpts);
    const ops: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      ops.push(
        (async () => {
          const id = await store.beginIntent(intentFor(`proxmox_vm.p[${i}]`));
          await store.completeIntent(id, { kind: 'applied', resource: resource(`proxmox_vm.p[${i}]`, { i }) });
        })(),
      );
      if (i % 40 === 0) ops.push(store.checkpoint());
    }
    await Promise.all(ops);
    await store.close(); // no final checkpoint: the tail lives in the journal
    const again = await StateStore.open(file, storeOpts);
    expect(again.listResources()).toHaveLength(200);
    expect(again.pendingIntents()).toEqual([]);
    await again.checkpoint();
    await again.close();
    const final = JSON.parse(await readFile(file, 'utf8')) as State;
    expect(final.resources).toHaveLength(200);
  });
});

describe('persistence cost per operation', () => {
  it('1000 operations on a 5000-resource state append to the journal and never rewrite the state file', async () => {
    await writeState(stateWith(5000));
    const before = await stat(file);
    expect(before.size).toBeGreaterThan(3_000_000);
    const store = await StateStore.open(file, storeOpts);
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, k) => {
          const n = batch * 10 + k;
          const address = `proxmox_vm.bulk[${n}]`;
          const id = await store.beginIntent(intentFor(address, 'update'));
          await store.completeIntent(id, { kind: 'applied', resource: resource(address, { vmid: 1000 + n, cores: 4 }) });
        }),
      );
    }
    const after = await stat(file);
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
    const journalSize = (await stat(journal)).size;
    // Each operation costs a few hundred bytes of journal, nothing proportional to the 3+ MB state.
    expect(journalSize / 1000).toBeLessThan(1_000);
    expect(store.getResource('proxmox_vm.bulk[999]')?.attributes).toEqual({ vmid: 1999, cores: 4 });
    await store.checkpoint(); // the one full rewrite
    expect((await stat(file)).ino).not.toBe(before.ino);
    await store.close();
  });

  it('journal bytes per operation do not depend on the state size', async () => {
    const sizes: number[] = [];
    for (const count of [10, 3000]) {
      const dir = join(t.dir, `s${count}`);
      await (await import('node:fs/promises')).mkdir(dir);
      const f = join(dir, 'state.json');
      await writeFile(f, JSON.stringify(stateWith(count)));
      const store = await StateStore.open(f, storeOpts);
      for (let n = 0; n < 50; n++) {
        const id = await store.beginIntent(intentFor(`proxmox_vm.x[${n}]`));
        await store.completeIntent(id, { kind: 'applied', resource: resource(`proxmox_vm.x[${n}]`, { n }) });
      }
      await store.close();
      sizes.push((await readFile(`${f}.journal`, 'utf8')).split('\n').slice(1).join('\n').length);
    }
    // Same operations, same bytes (up to the varying random intent ids, which have equal length).
    expect(sizes[0]).toBe(sizes[1]);
  });
});
