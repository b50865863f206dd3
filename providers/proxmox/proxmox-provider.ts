/**
 * The `proxmox` provider: `proxmox_vm` and `proxmox_lxc` on a Proxmox VE cluster (or the
 * embedded emulator). This file wires the pieces together; each concept lives in its own
 * module: client/ (TLS fetch, API client, retries, tasks), inventory/ (refresh cache),
 * mapping/ (attributes ⇄ PVE config), planning/ (plan and validation, pure), resources/
 * (CRUD), embedded-emulator.ts.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import pLimit from 'p-limit';
import type { Agent } from 'undici';
import {
  ProviderError,
  type AttributeProblem,
  type ConfigureRequest,
  type CreateRequest,
  type CreateResponse,
  type DeleteRequest,
  type ImportRequest,
  type ImportResponse,
  type PlanResourceRequest,
  type PlanResourceResponse,
  type Provider,
  type ProviderSchema,
  type ReadRequest,
  type ReadResponse,
  type RecoverRequest,
  type ReserveRequest,
  type ReserveResponse,
  type UpdateRequest,
  type UpdateResponse,
  type ValidateResourceRequest,
} from '../../src/provider/contract.js';
import { PveClient } from './client/pve-client.js';
import { createTlsAgent, fetchThrough } from './client/tls-fetch.js';
import { startEmbeddedEmulator, type EmbeddedEmulator } from './embedded-emulator.js';
import { ClusterInventory } from './inventory/cluster-inventory.js';
import { planLxc } from './planning/lxc-plan.js';
import { validateGuest } from './planning/validate-guest.js';
import { planVm } from './planning/vm-plan.js';
import { parseProviderConfig } from './provider-config.js';
import { proxmoxSchema } from './resource-schemas.js';
import type { GuestContext } from './resources/guest-context.js';
import {
  createGuest,
  deleteGuest,
  importGuest,
  readGuest,
  recoverGuest,
  reserveGuest,
  updateGuest,
  type GuestKindAdapter,
} from './resources/guest-resource.js';
import { LXC_ADAPTER } from './resources/lxc-resource.js';
import { VM_ADAPTER } from './resources/vm-resource.js';

const ADAPTERS: Record<string, GuestKindAdapter> = { proxmox_vm: VM_ADAPTER, proxmox_lxc: LXC_ADAPTER };

export interface ProxmoxProviderOptions {
  /** How long the cluster inventory is reused between reads (default 15 s). */
  inventoryTtlMs?: number;
}

export class ProxmoxProvider implements Provider {
  readonly type = 'proxmox';
  private ctx: GuestContext | undefined;
  private agent: Agent | undefined;
  private emulator: EmbeddedEmulator | undefined;

  constructor(private readonly options: ProxmoxProviderOptions = {}) {}

  getSchema(): ProviderSchema {
    return proxmoxSchema();
  }

  /** The API client (after configure), for tests and diagnostics. */
  get client(): PveClient | undefined {
    return this.ctx?.client;
  }

  /** The refresh cache (after configure), for tests and diagnostics. */
  get inventory(): ClusterInventory | undefined {
    return this.ctx?.inventory;
  }

  async configure(req: ConfigureRequest): Promise<void> {
    const parsed = parseProviderConfig(req.config, (p) => (isAbsolute(p) ? p : resolve(req.configDir, p)));
    if ('problems' in parsed) {
      throw new ProviderError(`proxmox provider: ${parsed.problems.map((p) => `${p.attribute}: ${p.message}`).join('; ')}`);
    }
    const settings = parsed.settings;
    if (this.ctx) await this.close(); // configured again: drop the previous client (and emulator)
    let client: PveClient;
    if (settings.mode === 'emulated') {
      this.emulator = await startEmbeddedEmulator(req.workDir);
      this.agent = createTlsAgent({});
      client = new PveClient({ ...this.emulator, fetch: fetchThrough(this.agent) });
    } else {
      let ca: string | undefined;
      if (settings.caFile !== undefined) {
        try {
          ca = readFileSync(settings.caFile, 'utf8');
        } catch (e) {
          throw new ProviderError(`proxmox provider: ca_file ${settings.caFile} cannot be read: ${(e as Error).message}`);
        }
      }
      this.agent = createTlsAgent({
        ...(ca !== undefined ? { ca } : {}),
        ...(settings.tlsFingerprint !== undefined ? { fingerprint: settings.tlsFingerprint } : {}),
        insecure: settings.insecure,
      });
      client = new PveClient({
        protocol: settings.protocol,
        host: settings.host,
        port: settings.port,
        auth: settings.auth,
        fetch: fetchThrough(this.agent),
      });
    }
    this.ctx = {
      client,
      inventory: new ClusterInventory(client, this.options.inventoryTtlMs ?? 15_000),
      settings,
      readLimit: pLimit(settings.readConcurrency),
      reserved: new Set(),
    };
  }

  private context(): GuestContext {
    if (!this.ctx) throw new Error('the proxmox provider is used before configure()');
    return this.ctx;
  }

  private adapter(type: string): GuestKindAdapter {
    const a = ADAPTERS[type];
    if (!a) throw new Error(`the proxmox provider has no resource type "${type}"`);
    return a;
  }

  validateResource(req: ValidateResourceRequest): AttributeProblem[] {
    return validateGuest(req);
  }

  planResource(req: PlanResourceRequest): PlanResourceResponse {
    if (req.type === 'proxmox_vm') return planVm(req.prior, req.config, req.providerConfig);
    if (req.type === 'proxmox_lxc') return planLxc(req.prior, req.config, req.providerConfig);
    return { planned: { ...req.config }, requiresReplace: [], notes: [], problems: [{ path: [], message: `unknown resource type ${req.type}` }] };
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    const kind = this.adapter(req.type);
    const vmid = typeof req.prior.vmid === 'number' ? req.prior.vmid : Number(/(\d+)$/.exec(req.id)?.[1]);
    if (!Number.isInteger(vmid)) throw new ProviderError(`"${req.id}" is not a guest id (expected node/vmid)`);
    return { state: await readGuest(this.context(), kind, vmid, req.prior, req) };
  }

  async reserve(req: ReserveRequest): Promise<ReserveResponse> {
    this.adapter(req.type);
    return { identity: await reserveGuest(this.context(), req.planned, req) };
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    return createGuest(this.context(), this.adapter(req.type), req.planned, req.identity, req);
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    return { state: await updateGuest(this.context(), this.adapter(req.type), req.id, req.prior, req.planned, req) };
  }

  async delete(req: DeleteRequest): Promise<void> {
    await deleteGuest(this.context(), this.adapter(req.type), req.id, req.prior, req);
  }

  async recover(req: RecoverRequest): Promise<CreateResponse | null> {
    return recoverGuest(this.context(), this.adapter(req.type), req.identity, req.planned, req);
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    return importGuest(this.context(), this.adapter(req.type), req.id, req);
  }

  async close(): Promise<void> {
    const agent = this.agent;
    const emulator = this.emulator;
    this.agent = undefined;
    this.emulator = undefined;
    this.ctx = undefined;
    await agent?.close().catch(() => undefined);
    await emulator?.close();
  }
}
