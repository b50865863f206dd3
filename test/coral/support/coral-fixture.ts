/**
 * Test support for the coral provider: the PVE emulator on a loopback port with configurable
 * Coral hardware per node, guests set up behind hl's back, and `coral` providers configured
 * against it over real HTTP (root@pam with a password, or the default API token). Every
 * request the emulator records is kept for the PVE schema check (checkSchemaAfterAll).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proxmoxApi from 'proxmox-api';
import type { Attributes } from '../../../src/core/value.js';
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import { CoralProvider } from '../../../providers/coral/coral-provider.js';
import { coralPciDevice, coralUsbDevice, type CoralPciOptions, type CoralUsbOptions } from '../../../providers/pve/emulator/coral-hardware.js';
import { parseConfigText } from '../../../providers/pve/emulator/config-text.js';
import {
  DEFAULT_TOKEN_ID,
  DEFAULT_TOKEN_SECRET,
  startProxmoxEmulator,
  type NodeState,
  type ProxmoxEmulator,
  type RecordedRequest,
} from '../../../providers/pve/emulator/start-emulator.js';
import { checkRequestsAfterAll } from '../../support/pve-schema.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Api = any;

export const ROOT_PASSWORD = 'coral-root-secret';
export const T = 'coral_passthrough';

/** Requests of every emulator of the test file, for the schema check. */
const allRequests: RecordedRequest[] = [];

export function usbCoral(o: CoralUsbOptions) {
  return coralUsbDevice(o);
}
export function pciCoral(o: CoralPciOptions) {
  return coralPciDevice(o);
}

export interface CoralFixture {
  emu: ProxmoxEmulator;
  /** A proxmox-api client with the default token, for changes behind hl's back. */
  api: Api;
  /** The same as root@pam with a password (raw devices). */
  rootApi: Api;
  dir: string;
  /** Configured as root@pam with a password. */
  root: CoralProvider;
  rootConfig: Attributes;
  /** Configured with the default API token. */
  token: CoralProvider;
  tokenConfig: Attributes;
  node(name: string): NodeState;
  /** Replaces a node's USB and/or PCI listing (behind hl's back). */
  setHardware(node: string, hw: { usb?: NodeState['usb']; pci?: NodeState['pci'] }): void;
  addVm(node: string, vmid: number, extra?: Record<string, string>): void;
  addCt(node: string, vmid: number, extra?: Record<string, string>): void;
  /** Appends raw lines to a guest's config file, as root editing /etc/pve on the host. */
  appendConfigLines(vmid: number, lines: readonly string[]): void;
  /** The guest's config keys (main section). */
  config(vmid: number): Record<string, string>;
  /** Starts / stops a guest through the API and waits for the task; answers its exit status. */
  start(vmid: number): Promise<string>;
  stopGuest(vmid: number): Promise<string>;
  stop(): Promise<void>;
}

async function waitTask(api: Api, upid: string): Promise<string> {
  const node = upid.split(':')[1];
  for (let i = 0; i < 1000; i++) {
    const st = await api.nodes.$(node).tasks.$(upid).status.$get();
    if (st.status === 'stopped') return String(st.exitstatus);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`task ${upid} did not stop`);
}

export async function startCoralFixture(): Promise<CoralFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-coral-'));
  const emu = await startProxmoxEmulator({
    port: 0,
    taskDurationMs: 10,
    worldFile: join(dir, 'world.json'),
    users: [{ userid: 'root@pam', password: ROOT_PASSWORD }],
  });
  const rootConfig: Attributes = { endpoint: emu.url, username: 'root@pam', password: ROOT_PASSWORD };
  const tokenConfig: Attributes = { endpoint: emu.url, token_id: DEFAULT_TOKEN_ID, token_secret: DEFAULT_TOKEN_SECRET };
  const root = new CoralProvider();
  await root.configure({ config: rootConfig, configDir: dir, workDir: dir });
  const token = new CoralProvider();
  await token.configure({ config: tokenConfig, configDir: dir, workDir: dir });
  const api = proxmoxApi({ host: emu.host, port: emu.port, schema: 'http', tokenID: DEFAULT_TOKEN_ID, tokenSecret: DEFAULT_TOKEN_SECRET });
  const rootApi = proxmoxApi({ host: emu.host, port: emu.port, schema: 'http', username: 'root@pam', password: ROOT_PASSWORD });
  const node = (name: string): NodeState => {
    const n = emu.world.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  };
  const guestPath = (vmid: number): Api => {
    const g = emu.world.guests[String(vmid)];
    if (!g) throw new Error(`no guest ${vmid}`);
    return api.nodes.$(g.node)[g.type].$(vmid);
  };
  const addGuest = (type: 'qemu' | 'lxc', nodeName: string, vmid: number, main: Record<string, string>): void => {
    const text = Object.keys(main)
      .sort()
      .map((k) => `${k}: ${main[k]}\n`)
      .join('');
    emu.world.guests[String(vmid)] = { vmid, type, node: nodeName, config: text, status: 'stopped' };
    emu.save();
  };
  let stopped = false;
  return {
    emu,
    api,
    rootApi,
    dir,
    root,
    rootConfig,
    token,
    tokenConfig,
    node,
    setHardware(name, hw) {
      const n = node(name);
      if (hw.usb) n.usb = hw.usb;
      if (hw.pci) n.pci = hw.pci;
      emu.save();
    },
    addVm(nodeName, vmid, extra = {}) {
      addGuest('qemu', nodeName, vmid, { name: `vm${vmid}`, cores: '2', memory: '2048', ostype: 'l26', machine: 'q35', ...extra });
    },
    addCt(nodeName, vmid, extra = {}) {
      addGuest('lxc', nodeName, vmid, {
        arch: 'amd64',
        hostname: `ct${vmid}`,
        memory: '2048',
        ostype: 'debian',
        rootfs: `local-lvm:vm-${vmid}-disk-0,size=8G`,
        unprivileged: '1',
        ...extra,
      });
    },
    appendConfigLines(vmid, lines) {
      const g = emu.world.guests[String(vmid)]!;
      const add = lines.map((l) => `${l}\n`).join('');
      const i = g.config.search(/\n\[/);
      g.config = i < 0 ? g.config + add : g.config.slice(0, i + 1) + add + g.config.slice(i + 1);
      emu.save();
    },
    config(vmid) {
      const g = emu.world.guests[String(vmid)]!;
      return parseConfigText(g.config, g.type).main;
    },
    async start(vmid) {
      return waitTask(api, await guestPath(vmid).status.start.$post());
    },
    async stopGuest(vmid) {
      return waitTask(api, await guestPath(vmid).status.stop.$post());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await root.close();
      await token.close();
      allRequests.push(...emu.requestLog);
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** After the file's tests: every request sent to the emulators is valid for the PVE schema. */
export function checkSchemaAfterAll(): void {
  checkRequestsAfterAll(allRequests);
}

/** planResource as the planner calls it, plus validateResource (what the plan shows). */
export function planWith(provider: CoralProvider, providerConfig: Attributes, prior: Attributes | null, config: Attributes): PlanResourceResponse & { all: AttributeProblem[] } {
  const p = provider.planResource({ type: T, prior, config, providerConfig });
  const v = provider.validateResource({ type: T, config, providerConfig });
  return { ...p, all: [...v, ...p.problems] };
}

/** Plan and create, as the executor does (refuses when the plan has errors). */
export async function createWith(provider: CoralProvider, providerConfig: Attributes, config: Attributes): Promise<{ id: string; state: Attributes; plan: PlanResourceResponse & { all: AttributeProblem[] } }> {
  const p = planWith(provider, providerConfig, null, config);
  const errors = p.all.filter((x) => x.severity !== 'warning');
  if (errors.length > 0) throw new Error(`plan errors: ${errors.map((e) => e.message).join('; ')}`);
  const res = await provider.create({ type: T, planned: p.planned });
  return { ...res, plan: p };
}

/** Refresh (read) then plan against the refreshed state. */
export async function refreshAndPlan(provider: CoralProvider, providerConfig: Attributes, id: string, prior: Attributes, config: Attributes) {
  const state = (await provider.read({ type: T, id, prior })).state;
  const p = state ? planWith(provider, providerConfig, state, config) : undefined;
  return { state, plan: p };
}

export function errorsOf(problems: readonly AttributeProblem[]): string[] {
  return problems.filter((p) => p.severity !== 'warning').map((p) => p.message);
}
export function warningsOf(problems: readonly AttributeProblem[]): string[] {
  return problems.filter((p) => p.severity === 'warning').map((p) => p.message);
}
