/** `hl workspace` as a user runs it: workspaces keep separate states, on the file backend and on PostgreSQL. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, describeWithPg, type TestDatabase } from '../support/pg.js';
import { runHl } from '../support/run-hl.js';

const CONFIG = 'providers:\n  fake: {}\nresources:\n  fake_resource.a: { name: a }\n';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-ws-'));
  writeFileSync(join(dir, 'homelab.yaml'), CONFIG);
  return dir;
}

interface Listed {
  selected: string;
  workspaces: { name: string; serial: number; resources: number; selected: boolean }[];
}

function hl(dir: string, env: Record<string, string> = {}) {
  return (...args: string[]) => runHl(args, { cwd: dir, env });
}

describe('hl workspace on the file backend', () => {
  it('new selects; apply in staging leaves default empty; list marks the selected one; select and delete refuse what they must', async () => {
    const dir = project();
    const run = hl(dir);
    const created = await run('workspace', 'new', 'staging');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created and selected workspace "staging"');
    expect((await run('workspace', 'show')).stdout).toBe('staging\n');
    expect((await run('apply', '--auto-approve')).code).toBe(0);
    expect(existsSync(join(dir, 'homelab.state.d', 'staging', 'homelab.state.json'))).toBe(true);
    expect(existsSync(join(dir, 'homelab.state.json'))).toBe(false);

    const human = await run('workspace', 'list');
    expect(human.stdout).toMatch(/^ {2}default +no state\n\* staging +serial 1, 1 resource\n$/);
    const listed = JSON.parse((await run('workspace', 'list', '--json')).stdout) as Listed;
    expect(listed.selected).toBe('staging');
    expect(listed.workspaces).toEqual([
      { name: 'default', serial: 0, resources: 0, selected: false },
      { name: 'staging', serial: 1, resources: 1, selected: true },
    ]);

    const typo = await run('workspace', 'select', 'stagin');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('Workspace "stagin" does not exist');
    expect(typo.stderr).toContain('Did you mean "staging"?');
    const selectedOne = await run('workspace', 'delete', 'staging');
    expect(selectedOne.code).toBe(1);
    expect(selectedOne.stderr).toContain('is the selected workspace');

    expect((await run('workspace', 'select', 'default')).code).toBe(0);
    expect((await run('state', 'list')).stdout).toBe('');
    const notEmpty = await run('workspace', 'delete', 'staging');
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.stderr).toContain('its state holds 1 resource(s)');
    expect(notEmpty.stderr).toContain('--force');
    const deleted = await run('workspace', 'delete', 'staging', '--force');
    expect(deleted.code).toBe(0);
    expect(existsSync(join(dir, 'homelab.state.d', 'staging'))).toBe(false);
    const dflt = await run('workspace', 'delete', 'default');
    expect(dflt.code).toBe(1);
    expect(dflt.stderr).toContain('The default workspace cannot be deleted');
    expect(dflt.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it('HL_WORKSPACE selects too, and an unknown one is refused before anything is written', async () => {
    const dir = project();
    const r = await runHl(['apply', '--auto-approve'], { cwd: dir, env: { HL_WORKSPACE: 'nope' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Workspace "nope" does not exist');
    expect(r.stderr).toContain('hl workspace new nope');
    expect((await runHl(['workspace', 'show'], { cwd: dir, env: { HL_WORKSPACE: 'nope' } })).stdout).toBe('nope\n');
  });
});

describeWithPg('hl workspace on the pg backend', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('ws_cli');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('apply in staging leaves default empty; delete refuses a non-empty workspace unless --force', async () => {
    const dir = project();
    const run = hl(dir, { HL_PG_CONN_STR: db.url });
    expect((await run('workspace', 'new', 'staging')).code).toBe(0);
    expect((await run('apply', '--auto-approve')).code).toBe(0);
    const listed = JSON.parse((await run('workspace', 'list', '--json')).stdout) as Listed;
    expect(listed.workspaces).toEqual([
      { name: 'default', serial: 0, resources: 0, selected: false },
      { name: 'staging', serial: 1, resources: 1, selected: true },
    ]);
    expect(existsSync(join(dir, 'homelab.state.json'))).toBe(false);
    expect(existsSync(join(dir, 'homelab.state.d'))).toBe(false);
    expect((await run('workspace', 'select', 'default')).code).toBe(0);
    expect((await run('state', 'list')).stdout).toBe('');
    expect((await run('workspace', 'delete', 'staging')).stderr).toContain('its state holds 1 resource(s)');
    expect((await run('workspace', 'delete', 'staging', '--force')).code).toBe(0);
    const after = await run('workspace', 'select', 'staging');
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('Workspace "staging" does not exist');
  }, 30_000);

  it('with HL_DATA_DIR, .hl/ (the selection, the providers\' files) goes there and nothing is written beside the config', async () => {
    const dir = project();
    const data = mkdtempSync(join(tmpdir(), 'hl-data-'));
    const run = hl(dir, { HL_PG_CONN_STR: db.url, HL_DATA_DIR: data });
    expect((await run('workspace', 'new', 'elsewhere')).code).toBe(0);
    expect((await run('apply', '--auto-approve')).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['homelab.yaml']);
    expect(readFileSync(join(data, 'environment'), 'utf8').trim()).toBe('elsewhere');
    expect(existsSync(join(data, 'providers'))).toBe(true);
    expect((await run('state', 'list')).stdout).toBe('fake_resource.a\n');
  }, 30_000);
});
