/**
 * Test support: the PVE emulator on a loopback port and a `proxmox` provider configured
 * against it over real HTTP (the default API token, or root@pam with a password), plus
 * helpers that run the engine's plan → apply steps the way the executor does.
 * Every request the emulator records is kept, for the PVE schema check (test/support/pve-schema.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attributes, Value } from '../../../src/core/value.js';
import type { PlannedChange, PlanResourceResponse } from '../../../src/provider/contract.js';
import {
  DEFAULT_TOKEN_ID,
  DEFAULT_TOKEN_SECRET,
  startProxmoxEmulator,
  type ProxmoxEmulator,
  type ProxmoxEmulatorOptions,
  type RecordedRequest,
} from '../../../providers/pve/emulator/start-emulator.js';
import { ProxmoxProvider } from '../../../providers/proxmox/proxmox-provider.js';
import proxmoxApi from 'proxmox-api';

// The client's typings follow PVE 8.1 and cap indexed keys; behind-the-back changes use it untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawApi = any;

export const ROOT_PASSWORD = 'root-secret';

export interface Fixture {
  emu: ProxmoxEmulator;
  provider: ProxmoxProvider;
  providerConfig: Attributes;
  dir: string;
  /**
   * Runs `fn` with a separate proxmox-api client, as someone else changing the cluster
   * behind hl's back; its requests are left out of the provider's request log.
   */
  behindTheBack<T>(fn: (api: RawApi) => Promise<T>): Promise<T>;
  /** The requests the provider sent so far. */
  providerRequests(): RecordedRequest[];
  /** Stops provider and emulator; keeps the provider's requests in `allRequests`. */
  stop(): Promise<void>;
}

/** Requests of every emulator started in this test file (the schema check reads them). */
export const allRequests: RecordedRequest[] = [];

export interface FixtureOptions extends ProxmoxEmulatorOptions {
  /** Authenticate as root@pam with a password instead of the token. */
  asRoot?: boolean;
  /** Extra provider settings (reboot, task_timeout, ...). */
  settings?: Attributes;
  inventoryTtlMs?: number;
}

export async function startFixture(opts: FixtureOptions = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-proxmox-'));
  const { asRoot, settings, inventoryTtlMs, ...emuOpts } = opts;
  const emu = await startProxmoxEmulator({
    taskDurationMs: 20,
    users: [{ userid: 'root@pam', password: ROOT_PASSWORD }],
    ...emuOpts,
  });
  const providerConfig: Attributes = {
    endpoint: emu.url,
    ...(asRoot ? { username: 'root@pam', password: ROOT_PASSWORD } : { token_id: DEFAULT_TOKEN_ID, token_secret: DEFAULT_TOKEN_SECRET }),
    ...(settings ?? {}),
  };
  const provider = new ProxmoxProvider(inventoryTtlMs !== undefined ? { inventoryTtlMs } : {});
  await provider.configure({ config: providerConfig, configDir: dir, workDir: dir });
  let stopped = false;
  const foreign = new Set<number>();
  const providerRequests = (): RecordedRequest[] => emu.requestLog.filter((r) => !foreign.has(r.seq));
  return {
    emu,
    provider,
    providerConfig,
    dir,
    providerRequests,
    async behindTheBack(fn) {
      const api = proxmoxApi({ host: emu.host, port: emu.port, schema: 'http', tokenID: DEFAULT_TOKEN_ID, tokenSecret: DEFAULT_TOKEN_SECRET });
      const from = emu.requestLog.length;
      try {
        return await fn(api);
      } finally {
        for (const r of emu.requestLog.slice(from)) foreign.add(r.seq);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await provider.close();
      allRequests.push(...providerRequests());
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** planResource as the planner calls it. */
export function plan(f: Fixture, type: string, prior: Attributes | null, config: Attributes): PlanResourceResponse {
  return f.provider.planResource({ type, prior, config, providerConfig: f.providerConfig });
}

/** Plan, reserve, create: what the executor does for a new resource. */
export async function createResource(f: Fixture, type: string, config: Attributes): Promise<{ id: string; state: Attributes; identity: Record<string, Value> }> {
  const p = plan(f, type, null, config);
  if (p.problems.length > 0) throw new Error(p.problems.map((x) => x.message).join('; '));
  const { identity } = await f.provider.reserve({ type, planned: p.planned });
  const res = await f.provider.create({ type, planned: p.planned, identity });
  return { ...res, identity };
}

/** Plan an update against `prior` and apply it in place (throws if the plan wants a replacement). */
export async function updateResource(f: Fixture, type: string, id: string, prior: Attributes, config: Attributes): Promise<{ state: Attributes; plan: PlanResourceResponse }> {
  const p = plan(f, type, prior, config);
  if (p.requiresReplace.length > 0) throw new Error(`unexpected replacement: ${p.requiresReplace.map((r) => r.reason).join('; ')}`);
  const res = await f.provider.update({ type, id, prior, planned: p.planned });
  return { state: res.state, plan: p };
}

/** A guest's raw config text as the emulator keeps it. */
export function guestConfigText(f: Fixture, vmid: number): string | undefined {
  return f.emu.world.guests[String(vmid)]?.config;
}

/** What the provider's checkPlan says of `changes`: address, attribute path and message of each problem. */
export async function checkPlanProblems(
  f: Fixture,
  changes: PlannedChange[],
): Promise<{ address: string; path: (string | number)[]; message: string }[]> {
  const res = await f.provider.checkPlan({ changes });
  return res.problems.map((p) => ({ address: p.address, path: p.path, message: p.message }));
}
