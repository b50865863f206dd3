/**
 * The watcher's heartbeat (engine/watch/watch-heartbeat.ts) in-process, against the fake
 * provider given a heartbeat hook that records what it is sent: `up` with the cycle's counts
 * and duration, `down` with why, and a heartbeat that hangs or fails never holds or fails the
 * cycle: it is given up after its timeout (its signal aborted) or logged as
 * `heartbeat_failed`, redacted like everything the watcher prints.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { loadPlanInputs, type PlanInputs } from '../../src/engine/plan-in-workspace.js';
import type { ProviderRegistry } from '../../src/engine/provider-registry.js';
import type { CycleSummary, WatchEvent, WatchEvents } from '../../src/engine/watch/watch-events.js';
import { startHeartbeat, type WatchHeartbeat } from '../../src/engine/watch/watch-heartbeat.js';
import { ProviderError, type HeartbeatHook, type HeartbeatRequest } from '../../src/provider/contract.js';
import { makeHarness, type Harness } from '../support/engine-harness.js';

const SECRET = 'beacon-secret-0123456789';
const CONFIG = `resources:
  fake_resource.beacon:
    name: beacon
    secret: ${SECRET}
`;

const up: CycleSummary = { ok: true, durationMs: 1234, drifted: 2, applied: 1, reported: 1, failed: 0, at: 0, failingProviders: [] };

let h: Harness | undefined;
afterEach(() => {
  if (h) rmSync(h.dir, { recursive: true, force: true });
  h = undefined;
});

/** A watcher's heartbeat to fake_resource.beacon (applied), with `send` as the hook's. */
async function heartbeatWith(send: (req: HeartbeatRequest) => Promise<void>, timeoutMs = 5000) {
  h = makeHarness();
  await h.apply(CONFIG);
  writeFileSync(join(h.dir, 'homelab.yaml'), CONFIG);
  const sent: HeartbeatRequest[] = [];
  const hook: HeartbeatHook = {
    check: () => [],
    send: (req) => {
      sent.push(req);
      return send(req);
    },
  };
  const provider = h.provider;
  Object.assign(provider, { heartbeat: hook });
  const registry: ProviderRegistry = { types: () => ['fake'], load: async (t) => (t === 'fake' ? { type: 'fake', create: () => provider } : undefined) };
  const watched: WatchEvent[] = [];
  const diagnostics: Diagnostic[] = [];
  const events: WatchEvents = {
    diagnostics: (d) => void diagnostics.push(...d),
    lockWait: () => undefined,
    staleLockTakeover: () => undefined,
    watch: (e) => void watched.push(e),
  };
  const config = join(h.dir, 'homelab.yaml');
  const inputs = (await loadPlanInputs({ config, variables: { vars: [], varFiles: [], env: {} } }, events)) as PlanInputs;
  const workspace = { config, env: {}, cwd: h.dir, lock: true, lockTimeoutMs: 1000, registry };
  const heartbeat = (await startHeartbeat({ address: 'fake_resource.beacon', workspace, intervalMs: 60_000, once: false, timeoutMs }, inputs, events)) as WatchHeartbeat;
  expect(diagnostics).toEqual([]);
  expect(heartbeat).toBeDefined();
  return { heartbeat, inputs, sent, watched };
}

describe('hl watch heartbeat', () => {
  it('sends up with the cycle\'s counts and duration, and down with why', async () => {
    const { heartbeat, inputs, sent, watched } = await heartbeatWith(async () => undefined);
    await heartbeat.afterCycle(up, 3, inputs);
    await heartbeat.afterCycle({ ...up, ok: false, failed: 2, durationMs: 99 }, 4, inputs);
    expect(sent.map((r) => [r.type, r.status, r.message, r.pingMs])).toEqual([
      ['fake_resource', 'up', 'hl watch cycle 3: 2 drifted, 1 applied, 1 reported', 1234],
      ['fake_resource', 'down', "hl watch cycle 4 failed: 2 operation(s) failed to apply (see the watcher's log)", 99],
    ]);
    expect(sent[0]!.state.secret).toBe(SECRET);
    expect(watched).toEqual([
      { level: 'info', event: 'heartbeat', fields: { address: 'fake_resource.beacon', status: 'up' } },
      { level: 'info', event: 'heartbeat', fields: { address: 'fake_resource.beacon', status: 'down' } },
    ]);
  });

  it('gives up a heartbeat that hangs after its timeout, aborting it, and says so', async () => {
    const { heartbeat, inputs, sent, watched } = await heartbeatWith(() => new Promise<void>(() => undefined), 300);
    const started = Date.now();
    await heartbeat.afterCycle(up, 1, inputs);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(sent[0]!.signal?.aborted).toBe(true);
    expect(watched).toEqual([
      { level: 'warn', event: 'heartbeat_failed', fields: { address: 'fake_resource.beacon', status: 'up', message: 'no answer within 300 ms' } },
    ]);
  });

  it('logs a failed heartbeat as heartbeat_failed with the resource\'s secrets masked, and never throws', async () => {
    const { heartbeat, inputs, watched } = await heartbeatWith(async () => {
      throw new ProviderError(`refused for ${SECRET}`);
    });
    await expect(heartbeat.afterCycle(up, 1, inputs)).resolves.toBeUndefined();
    expect(watched).toEqual([
      { level: 'warn', event: 'heartbeat_failed', fields: { address: 'fake_resource.beacon', status: 'up', message: 'refused for (sensitive value)' } },
    ]);
  });
});
