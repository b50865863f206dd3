/** Which backend a run uses: the config's hl.backend block, the environment and the command line, and what is refused. */
import { describe, expect, it } from 'vitest';
import { resolveBackendSettings } from '../../src/backend/backend-settings.js';
import { connStrHoldsPassword, findBackendBlock } from '../../src/config/backend-block.js';

const file = (text: string) => ({ path: 'infra/homelab.yaml', text });
const base = { configRoot: '/repo/infra', cwd: '/home/me', env: {} };

describe('hl.backend in the config', () => {
  it('reads a pg block and points at each bad setting with its location', () => {
    const ok = findBackendBlock([file('hl:\n  backend: { type: pg, conn_str: "postgres://hl@db.lan/homelab", schema_name: infra }\n')]);
    expect(ok.diagnostics).toEqual([]);
    expect(ok.block).toMatchObject({ type: 'pg', settings: { conn_str: 'postgres://hl@db.lan/homelab', schema_name: 'infra' } });

    const bad = findBackendBlock([
      file('hl:\n  backend:\n    type: pg\n    conn_str: "postgres://hl:s3cret@db.lan/homelab"\n    shema_name: x\n    schema_name: "${var.s}"\n'),
    ]);
    const lines = bad.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.summary}`);
    expect(lines).toEqual([
      '4:15 hl.backend.conn_str holds a password',
      '5:5 Unsupported setting "shema_name" for the pg backend',
      '6:18 hl.backend.schema_name cannot use an expression',
    ]);
    expect(bad.diagnostics[1]!.detail).toContain('Did you mean "schema_name"?');
    expect(JSON.stringify(bad.diagnostics)).not.toContain('s3cret');
  });

  it('refuses an unknown type and a second block in another file', () => {
    expect(findBackendBlock([file('hl:\n  backend: { type: s3 }\n')]).diagnostics[0]!.summary).toBe('Unknown backend type "s3"');
    const two = findBackendBlock([file('hl:\n  backend: { type: file }\n'), { path: 'infra/b.yaml', text: 'hl:\n  backend: { type: pg }\n' }]);
    expect(two.diagnostics[0]!.summary).toBe('A second hl.backend block');
    expect(two.diagnostics[0]!.location).toMatchObject({ file: 'infra/b.yaml', line: 2 });
  });

  it('tells a password in a connection string, in URL and keyword forms', () => {
    expect(connStrHoldsPassword('postgres://hl@db/x')).toBe(false);
    expect(connStrHoldsPassword('postgres://hl:pw@db/x')).toBe(true);
    expect(connStrHoldsPassword('postgresql://hl@db/x?password=pw')).toBe(true);
    expect(connStrHoldsPassword('host=db user=hl password=pw')).toBe(true);
  });
});

describe('resolving the backend of a run', () => {
  it('keeps the state beside the config by default, --state relative to the working directory, hl.backend.path relative to the config', () => {
    expect(resolveBackendSettings({ ...base, block: undefined }).settings).toEqual({ type: 'file', path: '/repo/infra/homelab.state.json' });
    expect(resolveBackendSettings({ ...base, block: undefined, stateFlag: 's.json' }).settings).toEqual({ type: 'file', path: '/home/me/s.json' });
    const block = findBackendBlock([file('hl:\n  backend: { type: file, path: ../state/homelab.json }\n')]).block;
    expect(resolveBackendSettings({ ...base, block }).settings).toEqual({ type: 'file', path: '/repo/state/homelab.json' });
  });

  it('takes pg from the environment over the config, and refuses --state with pg', () => {
    const block = findBackendBlock([file('hl:\n  backend: { type: pg, conn_str: "postgres://hl@db.lan/homelab" }\n')]).block;
    const fromBlock = resolveBackendSettings({ ...base, block }).settings;
    expect(fromBlock).toMatchObject({ type: 'pg', connStr: 'postgres://hl@db.lan/homelab', connStrSource: 'hl.backend.conn_str', schema: 'hl' });
    const fromEnv = resolveBackendSettings({ ...base, block, env: { HL_PG_CONN_STR: 'postgres://ci:pw@db/x', HL_PG_SCHEMA_NAME: 'ci' } }).settings;
    expect(fromEnv).toMatchObject({ connStr: 'postgres://ci:pw@db/x', connStrSource: 'HL_PG_CONN_STR', schema: 'ci' });
    // HL_PG_CONN_STR alone chooses pg; --backend=file overrides both
    expect(resolveBackendSettings({ ...base, block: undefined, env: { HL_PG_CONN_STR: 'postgres://x@y/z' } }).settings?.type).toBe('pg');
    expect(resolveBackendSettings({ ...base, block, backendFlag: 'file' }).settings?.type).toBe('file');
    const both = resolveBackendSettings({ ...base, block, stateFlag: 'x.json' });
    expect(both.settings).toBeUndefined();
    expect(both.diagnostics[0]!.summary).toContain('--state names a state file, but this run uses the pg backend');
    expect(resolveBackendSettings({ ...base, block: undefined, backendFlag: 'etcd' }).diagnostics[0]!.summary).toBe(
      'Unknown backend "etcd" (from --backend)',
    );
    expect(resolveBackendSettings({ ...base, block, env: { HL_PG_SCHEMA_NAME: 'a;drop' } }).diagnostics[0]!.summary).toContain(
      'Invalid PostgreSQL schema name',
    );
  });
});

describe('hl validate sees the backend block too', () => {
  it('reports a password and an expression in hl.backend where parseConfig checks the config, once each', async () => {
    const { parseConfig } = await import('../../src/config/parse-config.js');
    const r = parseConfig([file('hl:\n  backend:\n    type: pg\n    conn_str: "postgres://hl:s3cret@db.lan/homelab"\n    schema_name: "${var.s}"\n')]);
    const lines = r.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.summary}`);
    expect(lines).toEqual(['4:15 hl.backend.conn_str holds a password', '5:18 hl.backend.schema_name cannot use an expression']);
    expect(JSON.stringify(r.diagnostics)).not.toContain('s3cret');
    expect(parseConfig([file('hl:\n  backend: { type: pg, conn_str: "postgres://hl@db.lan/homelab" }\n')]).diagnostics).toEqual([]);
  });
});
