/**
 * The emulator's own control API, outside `/api2` and without authentication (the emulator
 * listens on loopback): inspect or replace the world, reset it, read or set faults, read the
 * request log and the API workers' counts, take nodes on or offline and set their host
 * hardware. These calls do not wait for an API worker.
 *
 *   GET    /_emulator/health
 *   GET    /_emulator/world            PUT /_emulator/world   (body: a world JSON)
 *   POST   /_emulator/reset            (body: {"seed": "homelab" | "empty"})
 *   GET    /_emulator/faults           POST /_emulator/faults (body: FaultConfig, replaces)
 *   GET    /_emulator/requests         DELETE /_emulator/requests
 *   GET    /_emulator/stats            DELETE /_emulator/stats (the API workers' counts, request-workers.ts; DELETE starts them again)
 *   POST   /_emulator/nodes/{node}     (body: {"online"?: bool, "cpuLoad"?: 0..1 (the host's own), "usb"?: [...], "pci"?: [...]})
 *   POST   /_emulator/pvestatd         (one pvestatd round now: the listings catch up)
 *   POST   /_emulator/guests/{vmid}    (body: {"cpuLoad": 0..1}: the running guest's share of its vCPUs in use)
 *
 * Answers are `application/json`; errors `{"error": "..."}` with 400/404.
 */
import type { EmulatorCore } from './emulator-core.js';
import type { FaultConfig } from './faults.js';
import type { RecordedRequest } from './http-server.js';
import type { SeedKind } from './seed.js';
import { findNode, type NodeState, type World } from './world.js';

export interface ControlAnswer {
  status: number;
  body: unknown;
}

export class ControlError extends Error {
  override readonly name = 'ControlError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ControlError(400, 'body is not valid JSON');
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function handleControl(
  core: EmulatorCore,
  requestLog: RecordedRequest[],
  method: string,
  path: string,
  bodyText: string,
): ControlAnswer {
  const rel = path.replace(/^\/_emulator/, '') || '/';
  const nodeMatch = /^\/nodes\/([^/]+)$/.exec(rel);
  const guestMatch = /^\/guests\/(\d+)$/.exec(rel);
  if (method === 'GET' && rel === '/health') return { status: 200, body: { ok: true } };
  if (method === 'GET' && rel === '/world') return { status: 200, body: core.world };
  if (method === 'PUT' && rel === '/world') {
    const w = parseJson(bodyText) as Partial<World>;
    if (!isObject(w) || w.format !== 'hl-pve-emulator-world' || w.version !== 1) {
      throw new ControlError(400, 'not an hl Proxmox emulator world');
    }
    core.world = w as World;
    core.persist();
    // A new world: pvestatd has sent nothing about it yet; its first round is at once.
    core.rrd.clear();
    core.statusRound();
    return { status: 200, body: { ok: true } };
  }
  if (method === 'POST' && rel === '/reset') {
    const b = parseJson(bodyText);
    const seed = isObject(b) && (b.seed === 'homelab' || b.seed === 'empty') ? (b.seed as SeedKind) : undefined;
    core.reset(seed);
    requestLog.length = 0;
    return { status: 200, body: { ok: true } };
  }
  if (method === 'POST' && rel === '/pvestatd') {
    core.statusRound();
    return { status: 200, body: { ok: true } };
  }
  if (method === 'GET' && rel === '/faults') return { status: 200, body: core.faults.get() };
  if (method === 'POST' && rel === '/faults') {
    const b = parseJson(bodyText);
    if (!isObject(b)) throw new ControlError(400, 'faults must be an object');
    core.faults.set(b as FaultConfig);
    return { status: 200, body: core.faults.get() };
  }
  if (method === 'GET' && rel === '/stats') return { status: 200, body: core.workers.stats() };
  if (method === 'DELETE' && rel === '/stats') {
    core.workers.resetStats();
    return { status: 200, body: core.workers.stats() };
  }
  if (method === 'GET' && rel === '/requests') return { status: 200, body: requestLog };
  if (method === 'DELETE' && rel === '/requests') {
    requestLog.length = 0;
    return { status: 200, body: { ok: true } };
  }
  if (method === 'POST' && nodeMatch) {
    const node = findNode(core.world, decodeURIComponent(nodeMatch[1] as string));
    if (!node) throw new ControlError(404, `no such node '${nodeMatch[1]}'`);
    const b = parseJson(bodyText);
    if (!isObject(b)) throw new ControlError(400, 'body must be an object');
    if (typeof b.online === 'boolean') node.online = b.online;
    if (b.cpuLoad !== undefined) {
      if (typeof b.cpuLoad !== 'number' || !(b.cpuLoad >= 0 && b.cpuLoad <= 1))
        throw new ControlError(400, 'cpuLoad must be a number from 0 to 1');
      node.cpuLoad = b.cpuLoad;
    }
    if (Array.isArray(b.usb)) node.usb = b.usb as NodeState['usb'];
    if (Array.isArray(b.pci)) node.pci = b.pci as NodeState['pci'];
    core.persist();
    return { status: 200, body: node };
  }
  if (method === 'POST' && guestMatch) {
    const g = core.world.guests[guestMatch[1] as string];
    if (!g) throw new ControlError(404, `no such guest '${guestMatch[1]}'`);
    const b = parseJson(bodyText);
    if (!isObject(b)) throw new ControlError(400, 'body must be an object');
    if (b.cpuLoad !== undefined) {
      if (typeof b.cpuLoad !== 'number' || !(b.cpuLoad >= 0 && b.cpuLoad <= 1))
        throw new ControlError(400, 'cpuLoad must be a number from 0 to 1');
      g.cpuLoad = b.cpuLoad;
    }
    core.persist();
    return { status: 200, body: g };
  }
  throw new ControlError(404, `no control endpoint '${method} ${path}'`);
}
