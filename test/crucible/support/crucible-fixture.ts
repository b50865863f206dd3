/**
 * Test support: the PVE emulator on a loopback port and a `crucible` provider configured
 * against it over real HTTP with the default API token, plus the engine's steps for one
 * resource (validate + plan → reserve → create, plan → update, delete) and a check, after a
 * test file, that every request the provider sent is valid against the real PVE API schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attributes, Value } from '../../../src/core/value.js';
import type { PlanResourceResponse } from '../../../src/provider/contract.js';
import { CrucibleProvider } from '../../../providers/crucible/index.js';
import {
  DEFAULT_TOKEN_ID,
  DEFAULT_TOKEN_SECRET,
  startProxmoxEmulator,
  type ProxmoxEmulator,
  type ProxmoxEmulatorOptions,
  type RecordedRequest,
} from '../../../providers/pve/emulator/start-emulator.js';
import { checkRequestsAfterAll as checkAfterAll } from '../../support/pve-schema.js';

export interface CrucibleFixture {
  emu: ProxmoxEmulator;
  provider: CrucibleProvider;
  providerConfig: Attributes;
  dir: string;
  /** validateResource + planResource as the planner calls them; throws on problems. */
  plan(type: string, prior: Attributes | null, config: Attributes): PlanResourceResponse;
  /** The problems validateResource and planResource report, as messages. */
  problems(type: string, prior: Attributes | null, config: Attributes): string[];
  create(type: string, config: Attributes): Promise<{ id: string; state: Attributes; identity: Record<string, Value> }>;
  update(type: string, id: string, prior: Attributes, config: Attributes): Promise<{ state: Attributes; plan: PlanResourceResponse }>;
  read(type: string, id: string, prior: Attributes): Promise<Attributes | null>;
  remove(type: string, id: string, prior: Attributes): Promise<void>;
  /** The emulator's raw config text of a guest. */
  configText(vmid: number): string | undefined;
  stop(): Promise<void>;
}

/** Requests of every emulator started in this test file (the schema check reads them). */
export const allRequests: RecordedRequest[] = [];

export async function startCrucibleFixture(opts: ProxmoxEmulatorOptions & { settings?: Attributes } = {}): Promise<CrucibleFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-crucible-'));
  const { settings, ...emuOpts } = opts;
  const emu = await startProxmoxEmulator({ taskDurationMs: 20, ...emuOpts });
  const providerConfig: Attributes = { endpoint: emu.url, token_id: DEFAULT_TOKEN_ID, token_secret: DEFAULT_TOKEN_SECRET, ...(settings ?? {}) };
  const provider = new CrucibleProvider();
  await provider.configure({ config: providerConfig, configDir: dir, workDir: dir });
  let stopped = false;
  const f: CrucibleFixture = {
    emu,
    provider,
    providerConfig,
    dir,
    problems(type, prior, config) {
      const v = provider.validateResource({ type, config, providerConfig });
      const p = provider.planResource({ type, prior, config, providerConfig });
      return [...v, ...p.problems].map((x) => x.message);
    },
    plan(type, prior, config) {
      const problems = f.problems(type, prior, config);
      if (problems.length > 0) throw new Error(problems.join('\n'));
      return provider.planResource({ type, prior, config, providerConfig });
    },
    async create(type, config) {
      const p = f.plan(type, null, config);
      const { identity } = await provider.reserve({ type, planned: p.planned });
      const res = await provider.create({ type, planned: p.planned, identity });
      return { ...res, identity };
    },
    async update(type, id, prior, config) {
      const p = f.plan(type, prior, config);
      if (p.requiresReplace.length > 0) throw new Error(`unexpected replacement: ${p.requiresReplace.map((r) => r.reason).join('; ')}`);
      const res = await provider.update({ type, id, prior, planned: p.planned });
      return { state: res.state, plan: p };
    },
    async read(type, id, prior) {
      return (await provider.read({ type, id, prior })).state;
    },
    async remove(type, id, prior) {
      await provider.delete({ type, id, prior });
    },
    configText: (vmid) => emu.world.guests[String(vmid)]?.config,
    async stop() {
      if (stopped) return;
      stopped = true;
      await provider.close();
      allRequests.push(...emu.requestLog);
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}

/** After the file's tests: every request sent conforms to the PVE 9.1.3 API schema. */
export function checkRequestsAfterAll(): void {
  checkAfterAll(allRequests);
}
