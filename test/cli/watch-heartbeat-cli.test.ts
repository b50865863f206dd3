/**
 * `hl watch --heartbeat ADDRESS` as a user runs it (issue 23), the built CLI with an embedded
 * Uptime Kuma emulator (`emulated: true`, its world kept beside the state): after its cycle
 * the watcher pushes `up` to the push monitor hl manages, and Kuma records it with the
 * cycle's message and duration; after a failed cycle it pushes `down` with why; a push Kuma
 * refuses is a warning that fails nothing; an address that cannot take heartbeats stops the watcher at
 * start-up with exit 1 and a message that says why (located in the config when it can be),
 * never a stack trace, never the push token. Needs `npm run build`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KumaWorld, startKumaEmulator } from '../../providers/kuma/emulator/index.js';
import { runHl } from '../support/run-hl.js';
import { logLines } from '../support/watch-log.js';

const CONFIG = `providers:
  kuma: { emulated: true, username: admin, password: hl-emulator-1 }
resources:
  kuma_monitor.hl_watch:
    name: hl watch
    type: push
    interval: 600
  kuma_monitor.web:
    name: web
    type: http
    url: https://web.lan/
`;

const NOT_APPLIED = `  kuma_monitor.later:
    name: later
    type: push
`;

interface StateFile {
  resources: { address: string; id: string; attributes: Record<string, unknown> }[];
}

describe('hl watch --heartbeat', () => {
  let dir: string;
  let state: StateFile;
  const worldFile = (): string => join(dir, '.hl', 'providers', 'kuma', 'kuma-world.json');
  const monitorId = (): number => Number(state.resources.find((x) => x.address === 'kuma_monitor.hl_watch')!.id);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hl-watch-heartbeat-'));
    writeFileSync(join(dir, 'homelab.yaml'), CONFIG);
    const applied = await runHl(['apply', '--auto-approve'], { cwd: dir });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as StateFile;
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pushes up to the push monitor after the cycle; the emulated Kuma records it with the cycle and its duration', async () => {
    const r = await runHl(['watch', '--once', '--heartbeat', 'kuma_monitor.hl_watch'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = logLines(r.stdout);
    const cycleEnd = lines.find((l) => l.event === 'cycle_end')!;
    expect(cycleEnd).toMatchObject({ ok: true });
    expect(lines.find((l) => l.event === 'heartbeat')).toMatchObject({ level: 'info', address: 'kuma_monitor.hl_watch', status: 'up' });
    expect(lines.map((l) => l.event).indexOf('heartbeat')).toBeGreaterThan(lines.indexOf(cycleEnd));

    const monitor = state.resources.find((x) => x.address === 'kuma_monitor.hl_watch')!;
    const world = KumaWorld.open(worldFile());
    const beats = world.heartbeatsOf(Number(monitor.id));
    expect(beats).toHaveLength(1);
    expect(beats[0]).toMatchObject({ status: 1, msg: 'hl watch cycle 1: 0 drifted, 0 applied, 0 reported' });
    expect(beats[0]!.ping).toBeGreaterThanOrEqual(Math.max(1, Math.round(cycleEnd.duration_ms as number)));
    expect(r.stdout + r.stderr).not.toContain(monitor.attributes.push_token as string);
  }, 60_000);

  it('logs a push Kuma refuses (the monitor paused behind hl\'s back) as heartbeat_failed, without the token, and the cycle still succeeds', async () => {
    const world = KumaWorld.open(worldFile());
    world.monitor(monitorId())!.active = false;
    world.commit();
    try {
      const r = await runHl(['watch', '--once', '--heartbeat', 'kuma_monitor.hl_watch'], { cwd: dir });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const lines = logLines(r.stdout);
      expect(lines.find((l) => l.event === 'cycle_end')).toMatchObject({ ok: true });
      const failed = lines.find((l) => l.event === 'heartbeat_failed');
      expect(failed).toMatchObject({ level: 'warn', address: 'kuma_monitor.hl_watch', status: 'up' });
      expect(failed!.message).toMatch(/\/api\/push\/\(sensitive value\) was refused \(HTTP 404: Monitor not found or not active\.\)$/);
      const token = state.resources.find((x) => x.address === 'kuma_monitor.hl_watch')!.attributes.push_token as string;
      expect(r.stdout + r.stderr).not.toContain(token);
    } finally {
      const restored = KumaWorld.open(worldFile());
      restored.monitor(monitorId())!.active = true;
      restored.commit();
    }
  }, 60_000);

  it.each([
    {
      reason: 'a monitor of another type',
      address: 'kuma_monitor.web',
      message: '--heartbeat kuma_monitor.web: a monitor of type http takes no heartbeats: only a monitor of type push does',
      at: /homelab\.yaml:10:\d+$/,
    },
    {
      reason: 'a block not applied yet',
      address: 'kuma_monitor.later',
      message: '--heartbeat kuma_monitor.later: it is not in the state yet',
      detail: /hl apply --target kuma_monitor\.later/,
      at: /homelab\.yaml:12:\d+$/,
    },
    { reason: 'an unknown address', address: 'kuma_monitor.hl_wach', message: '--heartbeat kuma_monitor.hl_wach: no such resource in the config or the state', detail: /Did you mean "kuma_monitor\.hl_watch"/ },
    { reason: 'not an address', address: 'hl watch', message: 'Invalid value for --heartbeat: "hl watch" is not a resource address' },
  ])('refuses $reason at start-up: exit 1, no cycle, a clear message', async ({ address, message, detail, at }) => {
    writeFileSync(join(dir, 'homelab.yaml'), CONFIG + NOT_APPLIED);
    try {
      const r = await runHl(['watch', '--once', '--heartbeat', address], { cwd: dir });
      expect(r.code, r.stdout + r.stderr).toBe(1);
      const lines = logLines(r.stdout);
      const diag = lines.find((l) => l.event === 'diagnostic' && l.level === 'error');
      expect(diag, r.stdout).toMatchObject({ message });
      if (detail) expect(diag!.detail).toMatch(detail);
      if (at) expect(diag!.at).toMatch(at);
      expect(lines.some((l) => l.event === 'cycle_start')).toBe(false);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      writeFileSync(join(dir, 'homelab.yaml'), CONFIG);
    }
  }, 60_000);
});

describe('hl watch --heartbeat after a failed cycle', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pushes down with why (another Kuma it manages cannot be reached), and exits 1', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hl-watch-heartbeat-'));
    const lab = await startKumaEmulator({ users: [{ username: 'admin', password: 'hl-emulator-1' }] });
    writeFileSync(
      join(dir, 'homelab.yaml'),
      `providers:
  kuma: { emulated: true, username: admin, password: hl-emulator-1 }
  kuma.lab: { url: "${lab.url}", username: admin, password: hl-emulator-1, timeout_ms: 1000 }
resources:
  kuma_monitor.hl_watch: { name: hl watch, type: push, interval: 600 }
  kuma_monitor.lab: { provider: kuma.lab, name: lab, type: http, url: "https://lab.lan/" }
`,
    );
    try {
      const applied = await runHl(['apply', '--auto-approve'], { cwd: dir });
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    } finally {
      await lab.close();
    }
    const r = await runHl(['watch', '--once', '--heartbeat', 'kuma_monitor.hl_watch'], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const lines = logLines(r.stdout);
    expect(lines.find((l) => l.event === 'cycle_end')).toMatchObject({ ok: false });
    expect(lines.find((l) => l.event === 'heartbeat')).toMatchObject({ address: 'kuma_monitor.hl_watch', status: 'down' });
    const state = JSON.parse(readFileSync(join(dir, 'homelab.state.json'), 'utf8')) as StateFile;
    const id = Number(state.resources.find((x) => x.address === 'kuma_monitor.hl_watch')!.id);
    expect(KumaWorld.open(join(dir, '.hl', 'providers', 'kuma', 'kuma-world.json')).lastHeartbeat(id)).toMatchObject({
      status: 0,
      msg: "hl watch cycle 1 failed: the refresh, plan or apply stopped with an error (see the watcher's log)",
    });
  }, 60_000);
});
