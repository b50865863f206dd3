/**
 * `hl watch` as a user runs it (issue 23), the built CLI against `hl emulate proxmox` in its
 * own process (a real PVE outlives its client), changing the cluster behind hl's back through
 * the emulator's API: with `on_drift: revert` a guest's memory changed behind hl's back is
 * put back within two intervals, and /healthz and /metrics say so; by default it is only
 * reported; a deleted guest is reported, not recreated, unless a policy rule allows the
 * create; a cycle waits while another run holds the exclusive state lock; a change of the
 * config file (or SIGHUP) reloads it; SIGTERM exits 0.
 * Needs `npm run build`.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } from '../../providers/pve/emulator/auth.js';
import { openRunBackend } from '../../src/engine/run-backend.js';
import { HL_VERSION } from '../../src/version.js';
import { createTestDatabase, describeWithPg, type TestDatabase } from '../support/pg.js';
import { runHl, startHl } from '../support/run-hl.js';
import { logLines } from '../support/watch-log.js';
import { pveApi, startPveEmulatorProcess, stopPveEmulatorProcess, type EmulatorProcess } from '../support/pve-emulator-process.js';

const memoryOf = async (emu: EmulatorProcess, vmid: number): Promise<number> =>
  (await pveApi<{ memory: number }>(emu, 'GET', `/nodes/pve/lxc/${vmid}/config`)).memory;

/** The containers whose hostname is `web`, by vmid. */
async function webGuests(emu: EmulatorProcess): Promise<number[]> {
  const lxcs = (await pveApi<{ vmid: number; node: string; type: string }[]>(emu, 'GET', '/cluster/resources?type=vm')).filter((g) => g.type === 'lxc');
  const out: number[] = [];
  for (const g of lxcs) {
    const c = await pveApi<{ hostname?: string }>(emu, 'GET', `/nodes/${g.node}/lxc/${g.vmid}/config`);
    if (c.hostname === 'web') out.push(g.vmid);
  }
  return out;
}

/** The seed's docker container (pve/100), adopted, at 512 MB. */
function dockerConfig(url: string, lifecycle = ''): string {
  return [
    'providers:',
    `  proxmox: { endpoint: "${url}", token_id: "${DEFAULT_TOKEN_ID}", token_secret: "${DEFAULT_TOKEN_SECRET}" }`,
    'import:',
    '  - { to: proxmox_lxc.docker, id: pve/100 }',
    'resources:',
    '  proxmox_lxc.docker:',
    '    node: pve',
    '    hostname: docker',
    '    memory: 512',
    lifecycle,
    '',
  ].join('\n');
}

/** A container hl creates. */
function webConfig(url: string, policies = '', lifecycle = '', size = '1G'): string {
  return `providers:
  proxmox: { endpoint: "${url}", token_id: "${DEFAULT_TOKEN_ID}", token_secret: "${DEFAULT_TOKEN_SECRET}" }
${policies}resources:
  proxmox_lxc.web:
    node: pve
    hostname: web
    ostemplate: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"
    memory: 256
    rootfs: { storage: local-lvm, size: ${size} }
    networks:
      net0: { bridge: vmbr0, ip: dhcp }
${lifecycle}`;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('hl watch', () => {
  let dir: string;
  let emu: EmulatorProcess | undefined;
  const cleanups: (() => void)[] = [];
  const setUp = async (env: Record<string, string> = {}): Promise<EmulatorProcess> => {
    dir = mkdtempSync(join(tmpdir(), 'hl-watch-'));
    emu = await startPveEmulatorProcess(dir, env);
    return emu;
  };
  /**
   * A container applied with on_drift: revert (a 4G volume, migrations at 1/20 of their
   * time: about 2 s each), then moved behind hl's back to pumped-piglet with its volume to
   * local-zfs.
   */
  const migratedBehindHlsBack = async () => {
    const e = await setUp({ HL_EMULATED_MIGRATION_TIME_SCALE: '0.05' });
    writeFileSync(join(dir, 'homelab.yaml'), webConfig(e.url, '', '    lifecycle: { on_drift: revert }\n', '4G'));
    expect((await runHl(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const [vmid] = await webGuests(e);
    const where = async () =>
      (await pveApi<{ vmid: number; node: string; lock?: string }[]>(e, 'GET', '/cluster/resources?type=vm')).filter((g) => g.vmid === vmid);
    await pveApi(e, 'POST', `/nodes/pve/lxc/${vmid}/migrate`, { target: 'pumped-piglet', 'target-storage': 'local-zfs', restart: '1' });
    await until("the migration behind hl's back", async () => {
      const g = await where();
      return g.length === 1 && g[0]!.node === 'pumped-piglet' && !g[0]!.lock ? true : undefined;
    }, 60_000);
    return { e, vmid: vmid!, where };
  };
  afterEach(async () => {
    for (const c of cleanups.splice(0)) c();
    const stopping = emu;
    emu = undefined;
    await stopPveEmulatorProcess(stopping);
    rmSync(dir, { recursive: true, force: true });
  });

  it('with on_drift: revert, puts back memory changed behind its back within two intervals; /healthz and /metrics say so; SIGTERM exits 0', async () => {
    const e = await setUp();
    writeFileSync(join(dir, 'homelab.yaml'), dockerConfig(e.url, '    lifecycle: { on_drift: revert }'));
    const adopted = await runHl(['apply', '--auto-approve'], { cwd: dir });
    expect(adopted.code, adopted.stdout + adopted.stderr).toBe(0);
    expect(await memoryOf(e, 100)).toBe(512);

    const interval = 2000;
    const watch = startHl(['watch', '--interval', '2s', '--listen', '127.0.0.1:0'], { cwd: dir, timeoutMs: 60_000 });
    cleanups.push(() => watch.child.kill('SIGKILL'));
    const url = await until('the status listener', () => /"event":"status_listening","url":"([^"]+)"/.exec(watch.stdoutSoFar())?.[1], 15_000);
    await until('a first cycle', () => (watch.stdoutSoFar().includes('"event":"cycle_end"') ? true : undefined), 15_000);

    await pveApi(e, 'PUT', '/nodes/pve/lxc/100/config', { memory: '1024' });
    const changedAt = Date.now();
    expect(await memoryOf(e, 100)).toBe(1024);
    await until('the revert', async () => ((await memoryOf(e, 100)) === 512 ? true : undefined), 4 * interval);
    const took = Date.now() - changedAt;
    // two intervals (with their jitter) and the time of a cycle
    expect(took).toBeLessThan(2 * interval * 1.1 + 1500);

    await until('the cycle that reverted to end', () => (/"event":"reverted"[\s\S]*"event":"cycle_end"/.test(watch.stdoutSoFar()) ? true : undefined), 10_000);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^hl_watch_applies_total 1$/m);
    expect(metrics).toMatch(/^hl_watch_cycles_total\{outcome="ok"\} [2-9]/m);

    watch.child.kill('SIGTERM');
    const done = await watch.done;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    const lines = logLines(done.stdout);
    const drift = lines.find((l) => l.event === 'drift');
    expect(drift).toMatchObject({ address: 'proxmox_lxc.docker', change: 'update', decision: 'apply', why: 'lifecycle.on_drift is revert' });
    expect(lines.find((l) => l.event === 'reverted')).toMatchObject({ address: 'proxmox_lxc.docker', operation: 'update' });
    expect(lines.map((l) => l.event)).toContain('stopping');
    expect(lines.at(-1)!.event).toBe('stopped');
    // no secret in the log
    expect(done.stdout).not.toContain(DEFAULT_TOKEN_SECRET);
    // the lock was released: a plan right after finds nothing to do
    const plan = await runHl(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  }, 120_000);

  it('by default only reports the drift: the log says so and nothing is changed', async () => {
    const e = await setUp();
    writeFileSync(join(dir, 'homelab.yaml'), dockerConfig(e.url));
    expect((await runHl(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    await pveApi(e, 'PUT', '/nodes/pve/lxc/100/config', { memory: '1024' });

    const r = await runHl(['watch', '--once'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = logLines(r.stdout);
    expect(lines.find((l) => l.event === 'reported')).toMatchObject({
      level: 'warn',
      address: 'proxmox_lxc.docker',
      change: 'update',
      why: 'lifecycle.on_drift is report (the default)',
    });
    expect(lines.find((l) => l.event === 'cycle_end')).toMatchObject({ ok: true, drifted: 1, applied: 0, reported: 1 });
    expect(lines.some((l) => l.event === 'reverted')).toBe(false);
    expect(await memoryOf(e, 100)).toBe(1024);
  }, 60_000);

  it('reports a guest deleted behind its back and does not recreate it, unless a policy rule allows the create', async () => {
    const e = await setUp();
    writeFileSync(join(dir, 'homelab.yaml'), webConfig(e.url));
    const created = await runHl(['apply', '--auto-approve'], { cwd: dir });
    expect(created.code, created.stdout + created.stderr).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address: string; id: string }[] };
    const vmid = Number(state.resources.find((r) => r.address === 'proxmox_lxc.web')!.id.split('/')[1]);
    await pveApi(e, 'POST', `/nodes/pve/lxc/${vmid}/status/stop`, {}).catch(() => undefined);
    await until('the container stopped', async () => {
      const s = await pveApi<{ status: string }>(e, 'GET', `/nodes/pve/lxc/${vmid}/status/current`);
      return s.status === 'stopped' ? true : undefined;
    }, 15_000);
    expect(await webGuests(e)).toEqual([vmid]);
    await pveApi(e, 'DELETE', `/nodes/pve/lxc/${vmid}`).catch(() => undefined);
    await until('the container gone', async () => ((await webGuests(e)).length === 0 ? true : undefined), 15_000);

    const reported = await runHl(['watch', '--once'], { cwd: dir });
    expect(reported.code, reported.stdout + reported.stderr).toBe(0);
    expect(logLines(reported.stdout).find((l) => l.event === 'reported')).toMatchObject({
      address: 'proxmox_lxc.web',
      change: 'create',
      why: 'a create is never made unattended unless a policy rule unattended allows it',
    });
    expect(await webGuests(e)).toEqual([]);

    const policies = 'policies:\n  - { rule: unattended, allow: [create], match: { address: proxmox_lxc.web } }\n';
    writeFileSync(join(dir, 'homelab.yaml'), webConfig(e.url, policies));
    const recreated = await runHl(['watch', '--once'], { cwd: dir });
    expect(recreated.code, recreated.stdout + recreated.stderr).toBe(0);
    expect(logLines(recreated.stdout).find((l) => l.event === 'drift')).toMatchObject({ address: 'proxmox_lxc.web', change: 'create', decision: 'apply' });
    expect(await webGuests(e)).toHaveLength(1);
    const plan = await runHl(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  }, 120_000);

  it('waits while another run holds the exclusive state lock, then reverts', async () => {
    await lockedCycle(await setUp(), dir, {});
  }, 120_000);

  it('a cycle that times out waiting for the lock fails and backs off; the watcher lives on and reverts once the lock is free', async () => {
    const e = await setUp();
    writeFileSync(join(dir, 'homelab.yaml'), dockerConfig(e.url, '    lifecycle: { on_drift: revert }'));
    expect((await runHl(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    await pveApi(e, 'PUT', '/nodes/pve/lxc/100/config', { memory: '1024' });
    const { backend } = await openRunBackend({ config: join(dir, 'homelab.yaml'), env: {}, cwd: dir });
    const lock = await backend.lock({ operation: 'apply', version: HL_VERSION, mode: 'exclusive', timeoutMs: 0, onWait: () => undefined, onStaleTakeover: () => undefined });
    const watch = startHl(['watch', '--interval', '1s', '--lock-timeout', '1s'], { cwd: dir, timeoutMs: 60_000 });
    cleanups.push(() => watch.child.kill('SIGKILL'));
    try {
      await until('a backoff after the lock timed out', () => (watch.stdoutSoFar().includes('"event":"backoff"') ? true : undefined), 15_000);
    } finally {
      await lock.release();
      await backend.close();
    }
    await until('the revert', async () => ((await memoryOf(e, 100)) === 512 ? true : undefined), 20_000);
    watch.child.kill('SIGTERM');
    const done = await watch.done;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    const lines = logLines(done.stdout);
    expect(lines.find((l) => l.event === 'cycle_end')).toMatchObject({ ok: false });
    expect(lines.some((l) => l.event === 'diagnostic' && /lock/i.test(String(l.message)))).toBe(true);
    expect(lines.some((l) => l.event === 'reverted')).toBe(true);
  }, 120_000);

  it('reloads the config when its file changes: an invalid one is refused once and the last good one kept, a valid one used from then on; SIGHUP reloads too', async () => {
    const e = await setUp();
    writeFileSync(join(dir, 'homelab.yaml'), dockerConfig(e.url));
    expect((await runHl(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    await pveApi(e, 'PUT', '/nodes/pve/lxc/100/config', { memory: '1024' });
    const watch = startHl(['watch', '--interval', '2s'], { cwd: dir, timeoutMs: 60_000 });
    cleanups.push(() => watch.child.kill('SIGKILL'));
    const count = (event: string): number => watch.stdoutSoFar().split(`"event":"${event}"`).length - 1;
    await until('a first cycle', () => (count('cycle_end') > 0 ? true : undefined), 15_000);
    expect(watch.stdoutSoFar()).toContain('"event":"reported"');

    // an editor's save: a temporary file renamed over the config
    writeFileSync(join(dir, 'homelab.yaml.tmp'), 'resources:\n  proxmox_lxc.docker: [\n');
    renameSync(join(dir, 'homelab.yaml.tmp'), join(dir, 'homelab.yaml'));
    await until('the refused reload', () => (count('config_reload_failed') > 0 ? true : undefined), 10_000);
    const cyclesBefore = count('cycle_end');
    await until('two cycles on the last good config', () => (count('cycle_end') > cyclesBefore + 1 ? true : undefined), 15_000);
    expect(count('config_reload_failed'), 'the same invalid files are not tried again').toBe(1);
    expect(await memoryOf(e, 100)).toBe(1024);

    writeFileSync(join(dir, 'homelab.yaml'), dockerConfig(e.url, '    lifecycle: { on_drift: revert }'));
    await until('the revert after the reload', async () => ((await memoryOf(e, 100)) === 512 ? true : undefined), 10_000);
    const reloads = count('config_reloaded');
    watch.child.kill('SIGHUP');
    await until('the reload on SIGHUP', () => (count('config_reloaded') > reloads ? true : undefined), 10_000);
    watch.child.kill('SIGTERM');
    const done = await watch.done;
    expect(done.code, done.stdout + done.stderr).toBe(0);
    const lines = logLines(done.stdout);
    const events = lines.map((l) => l.event);
    expect(lines.find((l) => l.event === 'config_changed')?.files).toEqual(['homelab.yaml']);
    expect(events.indexOf('config_changed')).toBeLessThan(events.indexOf('config_reload_failed'));
    expect(events.indexOf('config_reload_failed')).toBeLessThan(events.indexOf('config_reloaded'));
    expect(events).toContain('reverted');
  }, 120_000);

  it('a cycle that cannot reach the cluster fails: --once exits 1, a running watcher backs off and says so', async () => {
    const e = await setUp();
    writeFileSync(join(dir, 'homelab.yaml'), dockerConfig(e.url));
    expect((await runHl(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    const exited = new Promise((r) => e.child.once('exit', r));
    e.child.kill('SIGINT');
    await exited;

    const once = await runHl(['watch', '--once'], { cwd: dir, timeoutMs: 60_000 });
    expect(once.code, once.stdout + once.stderr).toBe(1);
    const lines = logLines(once.stdout);
    expect(lines.find((l) => l.event === 'cycle_end')).toMatchObject({ ok: false, level: 'error' });
    expect(lines.some((l) => l.event === 'diagnostic' && l.level === 'error')).toBe(true);
    expect(once.stdout).not.toContain(DEFAULT_TOKEN_SECRET);

    expect(lines.find((l) => l.event === 'cycle_end')?.failing_providers).toEqual(['proxmox']);

    const watch = startHl(['watch', '--interval', '1s', '--listen', '127.0.0.1:0'], { cwd: dir, timeoutMs: 60_000 });
    cleanups.push(() => watch.child.kill('SIGKILL'));
    await until('a second backoff', () => (watch.stdoutSoFar().split('"event":"backoff"').length > 2 ? true : undefined), 30_000);
    const url = logLines(watch.stdoutSoFar()).find((l) => l.event === 'status_listening')?.url as string;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^hl_watch_provider_failing\{provider="proxmox"\} 1$/m);
    watch.child.kill('SIGTERM');
    const done = await watch.done;
    expect(done.code).toBe(0);
    const backoffs = logLines(done.stdout).filter((l) => l.event === 'backoff') as unknown as { failures: number; wait_ms: number }[];
    expect(backoffs[0]).toMatchObject({ failures: 1, why: 'provider proxmox could not be reached or configured' });
    expect(backoffs[1]).toMatchObject({ failures: 2 });
    // twice the interval, then four times, each ±10 %
    expect(backoffs[0]!.wait_ms).toBeGreaterThanOrEqual(1800);
    expect(backoffs[1]!.wait_ms).toBeGreaterThanOrEqual(3600);
  }, 120_000);

  it('an hl apply started while the watcher reverts a migration waits for the lock, then finds nothing to do: the two never interleave', async () => {
    const { e, vmid, where } = await migratedBehindHlsBack();

    const watch = startHl(['watch', '--interval', '1s'], { cwd: dir, timeoutMs: 90_000 });
    cleanups.push(() => watch.child.kill('SIGKILL'));
    await until('the revert under way', async () => ((await where())[0]?.lock === 'migrate' ? true : undefined), 30_000);
    const apply = await runHl(['apply', '--auto-approve', '--lock-timeout', '60s'], { cwd: dir, timeoutMs: 90_000 });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stderr).toContain('Waiting for the state lock held by');
    // had it planned while the guest was still moving back, it would have planned the move too
    expect(apply.stdout).toMatch(/No changes/);
    expect(watch.stdoutSoFar()).toContain('"event":"reverted"');
    watch.child.kill('SIGTERM');
    const stopped = await watch.done;
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(0);
    expect((await where()).map((g) => g.node)).toEqual(['pve']);
    const tasks = await pveApi<{ type: string }[]>(e, 'GET', '/nodes/pumped-piglet/tasks?limit=50');
    expect(tasks.filter((t) => t.type === 'vzmigrate')).toHaveLength(1);
  }, 120_000);

  it('a watcher killed (SIGKILL) while reverting a migration behind its back: hl watch --once recovers, nothing lost or duplicated', async () => {
    const { e, vmid, where } = await migratedBehindHlsBack();

    const watch = startHl(['watch', '--interval', '1s'], { cwd: dir, timeoutMs: 90_000 });
    cleanups.push(() => watch.child.kill('SIGKILL'));
    await until('the revert under way', async () => ((await where())[0]?.lock === 'migrate' ? true : undefined), 30_000);
    watch.child.kill('SIGKILL');
    const killed = await watch.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).not.toContain('"event":"reverted"');

    const recover = await runHl(['watch', '--once'], { cwd: dir, timeoutMs: 90_000 });
    expect(recover.code, recover.stdout + recover.stderr).toBe(0);
    expect(logLines(recover.stdout).some((l) => l.event === 'recovered')).toBe(true);
    const found = await where();
    expect(found.map((g) => g.node)).toEqual(['pve']);
    expect(await webGuests(e)).toEqual([vmid]);
    const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as { resources: { address: string; id: string }[] };
    expect(state.resources.map((r) => [r.address, r.id])).toEqual([['proxmox_lxc.web', `pve/${vmid}`]]);
    const plan = await runHl(['plan', '--detailed-exitcode'], { cwd: dir });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
  }, 180_000);
});

/**
 * With drift to revert, another run (this test process) holds the exclusive state lock as an
 * hl apply does: the watcher's cycle waits (nothing reverted meanwhile), then reverts once
 * the lock is released.
 */
async function lockedCycle(e: EmulatorProcess, dir: string, env: Record<string, string>): Promise<void> {
  writeFileSync(join(dir, 'homelab.yaml'), dockerConfig(e.url, '    lifecycle: { on_drift: revert }'));
  const applied = await runHl(['apply', '--auto-approve'], { cwd: dir, env });
  expect(applied.code, applied.stdout + applied.stderr).toBe(0);
  await pveApi(e, 'PUT', '/nodes/pve/lxc/100/config', { memory: '1024' });

  const { backend } = await openRunBackend({ config: join(dir, 'homelab.yaml'), env, cwd: dir });
  const lock = await backend.lock({
    operation: 'apply',
    version: HL_VERSION,
    mode: 'exclusive',
    timeoutMs: 0,
    onWait: () => undefined,
    onStaleTakeover: () => undefined,
  });
  const watch = startHl(['watch', '--once', '--lock-timeout', '30s'], { cwd: dir, env, timeoutMs: 60_000 });
  try {
    await until('the watcher waiting for the lock', () => (watch.stdoutSoFar().includes('"event":"lock_wait"') ? true : undefined), 15_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(watch.stdoutSoFar()).not.toContain('"event":"reverted"');
    expect(await memoryOf(e, 100)).toBe(1024);
  } finally {
    await lock.release();
    await backend.close();
  }
  const done = await watch.done;
  expect(done.code, done.stdout + done.stderr).toBe(0);
  expect(logLines(done.stdout).find((l) => l.event === 'reverted')).toMatchObject({ address: 'proxmox_lxc.docker' });
  expect(await memoryOf(e, 100)).toBe(512);
  // with PostgreSQL the state (and its lock) is in the database, not beside the config
  expect(existsSync(join(dir, 'homelab.state.json'))).toBe(env['HL_BACKEND'] !== 'pg');
}

describeWithPg('hl watch on the pg backend', () => {
  let db: TestDatabase;
  let dir: string;
  let emu: EmulatorProcess | undefined;
  beforeAll(async () => {
    db = await createTestDatabase('watch_cli');
  });
  afterAll(async () => {
    await db?.drop();
  });
  afterEach(async () => {
    const stopping = emu;
    emu = undefined;
    await stopPveEmulatorProcess(stopping);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a cycle waits while another run holds the exclusive lock in PostgreSQL, then reverts', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hl-watch-pg-'));
    emu = await startPveEmulatorProcess(dir);
    await lockedCycle(emu, dir, { HL_BACKEND: 'pg', HL_PG_CONN_STR: db.url });
  }, 120_000);
});
