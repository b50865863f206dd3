/**
 * Hostile or broken state files and journals (issue 15, items 4 and 6): values nested past
 * the limit, non-finite numbers, invalid UTF-8 and NUL bytes, and journal records that are
 * valid JSON with a malformed body are refused by name (file, line and column where there
 * is one, the resource where there is one), and neither file is touched.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../../src/core/diagnostic.js';
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

function baseState(): State {
  return { version: 1, lineage: LINEAGE, serial: 3, hlVersion: 'x', resources: [resource('proxmox_vm.a', { vmid: 107 })], outputs: {} };
}

/** Opens the store, expecting a refusal; checks that neither file changed. */
async function refusal(): Promise<DiagnosticsError> {
  const before = await Promise.all([readFile(file), readFile(journal).catch(() => undefined)]);
  const err = await StateStore.open(file, storeOpts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DiagnosticsError);
  expect(await readFile(file)).toEqual(before[0]);
  expect(await readFile(journal).catch(() => undefined)).toEqual(before[1]);
  return err as DiagnosticsError;
}

function deepList(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

describe('a state file', () => {
  it('with a value nested 100,000 deep is refused naming the file and the resource', async () => {
    const text = JSON.stringify(baseState(), null, 2).replace('"vmid": 107', `"vmid": 107, "deep": ${deepList(100_000)}`);
    await writeFile(file, text);
    const err = await refusal();
    expect(err.message).toContain(`State file ${file}`);
    expect(err.message).toContain('resource proxmox_vm.a');
    expect(err.message).toContain('more than 256 levels');
  });

  it('with a value nested 256 deep is accepted', async () => {
    const text = JSON.stringify(baseState(), null, 2).replace('"vmid": 107', `"vmid": 107, "deep": ${deepList(256)}`);
    await writeFile(file, text);
    const store = await StateStore.open(file, storeOpts);
    expect(store.getResource('proxmox_vm.a')?.attributes['vmid']).toBe(107);
    await store.close();
  });

  it('with a number too large to be finite (1e400) is refused by name', async () => {
    await writeFile(file, JSON.stringify(baseState(), null, 2).replace('"vmid": 107', '"vmid": 1e400'));
    const err = await refusal();
    expect(err.message).toContain(`State file ${file}`);
    expect(err.message).toContain('resources[0].attributes.vmid (resource proxmox_vm.a)');
    expect(err.message).toContain('not finite');
    await writeFile(file, JSON.stringify(baseState(), null, 2).replace('"serial": 3', '"serial": 1e400'));
    expect((await refusal()).message).toContain('at serial, the number Infinity is not finite');
  });

  it('with invalid UTF-8 is refused at the line and column of the first bad byte', async () => {
    const text = JSON.stringify(baseState(), null, 2);
    const at = text.indexOf('"x"') + 1; // inside hlVersion's value
    await writeFile(file, Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xff]), Buffer.from(text.slice(at))]));
    const err = await refusal();
    const line = text.slice(0, at).split('\n').length;
    const col = at - text.lastIndexOf('\n', at - 1);
    expect(err.diagnostics[0]!.location).toEqual({ file, line, col });
    expect(err.message).toContain('not valid UTF-8');
  });

  it('with a NUL byte is refused at its line and column', async () => {
    const text = JSON.stringify(baseState(), null, 2).replace('"x"', '"x\u0000"');
    await writeFile(file, text);
    const err = await refusal();
    expect(err.diagnostics[0]!.location).toMatchObject({ file, line: 5 });
    expect(err.message).toContain('NUL byte');
  });
});

describe('a journal', () => {
  const header = () => encodeJournalLine(journalHeader(LINEAGE, 3));
  const tail = () => encodeJournalLine({ t: 'rm', address: 'proxmox_vm.a' });

  beforeEach(async () => {
    await writeFile(file, `${JSON.stringify(baseState(), null, 2)}\n`);
  });

  async function refusedAtLine2(line: string): Promise<DiagnosticsError> {
    await writeFile(journal, header() + line + tail());
    const err = await refusal();
    expect(err.message).toContain(`State journal ${journal} is damaged at line 2`);
    expect(err.diagnostics[0]!.location).toMatchObject({ file: journal, line: 2 });
    return err;
  }

  it('with a begin intent whose address is a number is refused', async () => {
    const begin = { t: 'begin', intent: { intentId: 'i1', address: 42, operation: 'create', type: 'proxmox_vm', provider: 'proxmox' } };
    expect((await refusedAtLine2(`${JSON.stringify(begin)}\n`)).message).toContain('intent.address is not a non-empty string');
  });

  it('with records whose bodies are malformed is refused', async () => {
    const { address: _a, ...noAddress } = resource('proxmox_vm.b');
    await refusedAtLine2(`${JSON.stringify({ t: 'set', resource: noAddress })}\n`);
    await refusedAtLine2(`${JSON.stringify({ t: 'set', resource: { ...resource('proxmox_vm.b'), status: 'weird' } })}\n`);
    await refusedAtLine2(`${JSON.stringify({ t: 'done', intentId: 'i1', outcome: { kind: 'applied', resource: 'no' } })}\n`);
    await refusedAtLine2(`${JSON.stringify({ t: 'done', intentId: 'i1', outcome: { kind: 'exploded' } })}\n`);
    await refusedAtLine2(`${JSON.stringify({ t: 'resolve', intentId: 'i1', resolution: { kind: 'adopted' } })}\n`);
    await refusedAtLine2(`${JSON.stringify({ t: 'rm', address: ['x'] })}\n`);
    await refusedAtLine2(`${JSON.stringify({ t: 'outputs', outputs: { a: { value: 1 } } })}\n`);
    await refusedAtLine2(`${JSON.stringify({ t: 'begin', intent: { intentId: 'i1', address: 'a.b', operation: 'explode', type: 'a', provider: 'p' } })}\n`);
  });

  it('with a non-finite number or a value nested 100,000 deep is refused', async () => {
    const set = JSON.stringify({ t: 'set', resource: resource('proxmox_vm.b', { n: 1 }) });
    expect((await refusedAtLine2(`${set.replace('"n":1', '"n":1e400')}\n`)).message).toContain('not finite');
    expect((await refusedAtLine2(`${set.replace('"n":1', `"n":${deepList(100_000)}`)}\n`)).message).toContain('more than 256 levels');
  });

  it('with invalid UTF-8 or a NUL byte in a record is refused at its line and column', async () => {
    const set = Buffer.from(`${JSON.stringify({ t: 'set', resource: resource('proxmox_vm.b', { s: 'ab' }) })}\n`);
    const at = set.indexOf('ab') + 1;
    for (const bad of [0xc3, 0x00]) {
      const line = Buffer.concat([set.subarray(0, at), Buffer.from([bad]), set.subarray(at)]);
      await writeFile(journal, Buffer.concat([Buffer.from(header()), line, Buffer.from(tail())]));
      const err = await refusal();
      expect(err.message).toContain(`damaged at line 2, column ${at + 1}`);
      expect(err.diagnostics[0]!.location).toEqual({ file: journal, line: 2, col: at + 1 });
    }
  });

  it('whose last record holds invalid UTF-8 is refused too (it is a record, not a torn line)', async () => {
    const set = Buffer.from(`${JSON.stringify({ t: 'set', resource: resource('proxmox_vm.b', { s: 'ab' }) })}\n`);
    const at = set.indexOf('ab') + 1;
    await writeFile(journal, Buffer.concat([Buffer.from(header()), set.subarray(0, at), Buffer.from([0xff]), set.subarray(at)]));
    expect((await refusal()).message).toContain('damaged at line 2');
  });

  it('with well-formed records of every kind is replayed', async () => {
    const lines = [
      header(),
      encodeJournalLine({ t: 'begin', intent: { intentId: 'i1', address: 'proxmox_vm.b', operation: 'create', type: 'proxmox_vm', provider: 'proxmox', planned: { vmid: 1 } } }),
      encodeJournalLine({ t: 'done', intentId: 'i1', outcome: { kind: 'applied', resource: resource('proxmox_vm.b') } }),
      encodeJournalLine({ t: 'begin', intent: { intentId: 'i2', address: 'proxmox_vm.c', operation: 'create', type: 'proxmox_vm', provider: 'proxmox' } }),
      encodeJournalLine({ t: 'done', intentId: 'i2', outcome: { kind: 'failed', message: 'no', taint: { ...resource('proxmox_vm.c'), status: 'tainted' } } }),
      encodeJournalLine({ t: 'mv', from: 'proxmox_vm.a', resource: resource('proxmox_vm.d') }),
      encodeJournalLine({ t: 'outputs', outputs: { o: { value: [1, 'x'], sensitive: false } } }),
    ];
    await writeFile(journal, lines.join(''));
    const store = await StateStore.open(file, { ...storeOpts, readOnly: true });
    expect(store.listResources().map((r) => r.address).sort()).toEqual(['proxmox_vm.b', 'proxmox_vm.c', 'proxmox_vm.d']);
    expect(store.outputs).toEqual({ o: { value: [1, 'x'], sensitive: false } });
  });
});
