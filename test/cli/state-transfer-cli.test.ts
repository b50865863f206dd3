/**
 * `hl state pull | push | history | show --serial | migrate` as a user runs them: the state
 * leaves and comes back whole, a push that would lose history is refused unless forced, and
 * a migration between the file and pg backends keeps the journal's pending intents.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, describeWithPg, type TestDatabase } from '../support/pg.js';
import { runHl } from '../support/run-hl.js';

const ONE = 'providers:\n  fake: {}\nresources:\n  fake_resource.a: { name: a }\n';
const TWO = `${ONE}  fake_resource.b: { name: b }\n`;
const INTENT_ID = '11111111-2222-4333-8444-555555555555';

function project(yaml = ONE): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-transfer-'));
  writeFileSync(join(dir, 'homelab.yaml'), yaml);
  return dir;
}

function hl(dir: string, env: Record<string, string> = {}) {
  return (...args: string[]) => runHl(args, { cwd: dir, env });
}

interface StateJson {
  lineage: string;
  serial: number;
  resources: { address: string }[];
}

/** What an apply killed after making an intent durable leaves: the journal's header and a `begin` record. */
function writePendingIntent(dir: string, lineage: string, serial: number): void {
  const intent = { address: 'fake_resource.b', operation: 'create', type: 'fake_resource', provider: 'fake', intentId: INTENT_ID };
  writeFileSync(
    join(dir, 'homelab.state.json.journal'),
    `${JSON.stringify({ t: 'head', v: 1, lineage, serial })}\n${JSON.stringify({ t: 'begin', intent })}\n`,
  );
}

describe('hl state pull and push on the file backend', () => {
  it('push refuses another lineage, an older serial and the same serial with other content, unless --force', async () => {
    const dir = project();
    const run = hl(dir);
    expect((await run('apply', '--auto-approve')).code).toBe(0);
    const pulled = await run('state', 'pull');
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toBe('');
    const state = JSON.parse(pulled.stdout) as StateJson;
    expect(state.serial).toBe(1);
    expect(state.resources.map((r) => r.address)).toEqual(['fake_resource.a']);
    const push = async (edit: Partial<StateJson>, ...flags: string[]) => {
      writeFileSync(join(dir, 'edited.json'), JSON.stringify({ ...state, resources: [], ...edit }));
      return run('state', 'push', 'edited.json', ...flags);
    };

    const sameSerial = await push({});
    expect(sameSerial.code).toBe(1);
    expect(sameSerial.stderr).toContain('has serial 1, like');
    const older = await push({ serial: 0 });
    expect(older.code).toBe(1);
    expect(older.stderr).toContain('serial 0, older than the serial 1');
    const foreign = await push({ serial: 5, lineage: '0b8e7a1c-2f3d-4e5f-8a9b-0c1d2e3f4a5b' });
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain('has lineage 0b8e7a1c-2f3d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(foreign.stderr).toContain('--force');
    expect(JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')).resources).toHaveLength(1);

    const forced = await push({ serial: 0 }, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('serial 2 (raised from 0), 0 resource(s)');
    expect((await run('state', 'list')).stdout).toBe('');
    const history = await run('state', 'history', '--json');
    expect((JSON.parse(history.stdout) as { serial: number }[]).map((v) => v.serial)).toEqual([1, 2]);
    // the backup keeps serial 1: what it held can still be read
    const old = await run('state', 'show', '--serial', '1', 'fake_resource.a');
    expect(old.code).toBe(0);
    expect(old.stdout).toContain('# fake_resource.a');
    expect(old.stdout).toContain('(sensitive value)');
    const newer = await push({ serial: 7, resources: state.resources });
    expect(newer.code).toBe(0);
    expect(newer.stdout).toContain('serial 7, 1 resource(s)');
  }, 30_000);

  it('pull warns about pending operations, and push refuses to replace them', async () => {
    const dir = project();
    const run = hl(dir);
    expect((await run('apply', '--auto-approve')).code).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as StateJson;
    writePendingIntent(dir, state.lineage, state.serial);
    const pulled = await run('state', 'pull');
    expect(pulled.code).toBe(0);
    expect(pulled.stderr).toContain('1 operation(s) of an interrupted run are pending');
    writeFileSync(join(dir, 'newer.json'), JSON.stringify({ ...state, serial: 2, resources: [] }));
    const refused = await run('state', 'push', 'newer.json', '--force');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('has 1 pending operation(s)');
    expect(refused.stderr).toContain('Run "hl apply" first');
  });
});

describeWithPg('hl state history and migrate with the pg backend', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('transfer_cli');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('history lists a version per apply; show --serial reads one back', async () => {
    const dir = project();
    const run = hl(dir, { HL_PG_CONN_STR: db.url, HL_WORKSPACE: 'history' });
    expect((await run('workspace', 'new', 'history')).code).toBe(0);
    expect((await run('apply', '--auto-approve')).code).toBe(0);
    writeFileSync(join(dir, 'homelab.yaml'), TWO);
    expect((await run('apply', '--auto-approve')).code).toBe(0);
    const history = await run('state', 'history');
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^SERIAL +TIME +WHO +HL +RESOURCES +SHA256\n1 +\S+ +\S+@\S+ +\S+ +1 +[0-9a-f]{12}\n2 +\S+ +\S+@\S+ +\S+ +2 +[0-9a-f]{12}\n$/);
    const first = JSON.parse((await run('state', 'show', '--serial', '1')).stdout) as StateJson;
    expect(first.serial).toBe(1);
    expect(first.resources.map((r) => r.address)).toEqual(['fake_resource.a']);
  }, 30_000);

  it('migrate file -> pg -> file keeps state, lineage, serial and the pending intent', async () => {
    const source = project();
    expect((await runHl(['apply', '--auto-approve'], { cwd: source })).code).toBe(0);
    const state = JSON.parse(readFileSync(join(source, 'homelab.state.json'), 'utf8')) as StateJson;
    writePendingIntent(source, state.lineage, state.serial);
    const env = { HL_PG_CONN_STR: db.url };

    const toPg = await runHl(['state', 'migrate', '--backend', 'file', '--to', 'pg'], { cwd: source, env });
    expect(toPg.code).toBe(0);
    expect(toPg.stdout).toContain('state serial 1, 1 resource(s)');
    expect(toPg.stdout).toContain('journal: 1 record(s), 1 pending operation(s)');
    expect(toPg.stdout).toContain('The source was left as it was.');
    const again = await runHl(['state', 'migrate', '--backend', 'file', '--to', 'pg'], { cwd: source, env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a state (serial 1)');

    const back = project();
    const toFile = await runHl(['state', 'migrate', '--to', 'file'], { cwd: back, env });
    expect(toFile.code).toBe(0);
    const path = join(back, 'homelab.state.json');
    const copied = JSON.parse(readFileSync(path, 'utf8')) as StateJson;
    expect(copied).toEqual(state);
    const journal = readFileSync(`${path}.journal`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(journal).toEqual([
      { t: 'head', v: 1, lineage: state.lineage, serial: 1 },
      expect.objectContaining({ t: 'begin', intent: expect.objectContaining({ intentId: INTENT_ID }) }),
    ]);
    // the source still holds its journal, untouched
    expect(readFileSync(join(source, 'homelab.state.json.journal'), 'utf8')).toContain(INTENT_ID);
  }, 30_000);
});
