/**
 * The `proxmox` provider: `proxmox_vm` and `proxmox_lxc` on a Proxmox VE cluster (or the
 * embedded emulator). This file wires the pieces together; each concept lives in its own
 * module: client/ (TLS fetch, API client, retries, tasks), inventory/ (refresh cache),
 * mapping/ (attributes ⇄ PVE config), planning/ (plan and validation, pure), resources/
 * (CRUD), embedded-emulator.ts.
 */
import { isAbsolute, resolve } from 'node:path';
import {
  ProviderError,
  type AttributeProblem,
  type CheckPlanRequest,
  type CheckPlanResponse,
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
import type { PveClient } from '../pve/client/pve-client.js';
import type { PveConnection } from '../pve/client/pve-connection.js';
import type { ClusterInventory } from '../pve/cluster-inventory.js';
import { planLxc } from './planning/lxc-plan.js';
import { validateGuest } from './planning/validate-guest.js';
import { planVm } from './planning/vm-plan.js';
import { parseProviderConfig } from '../pve/provider-settings.js';
import { proxmoxSchema } from './resource-schemas.js';
import type { GuestContext } from './resources/guest-context.js';
import type { GuestKindAdapter } from './resources/guest-resource.js';

type Runtime = typeof import('./provider-runtime.js');

export interface ProxmoxProviderOptions {
  /** How long the cluster inventory is reused between reads (default 15 s). */
  inventoryTtlMs?: number;
}

export class ProxmoxProvider implements Provider {
  readonly type = 'proxmox';
  private ctx: GuestContext | undefined;
  private connection: PveConnection | undefined;
  /** The CRUD side, loaded by configure. */
  private rt: Runtime | undefined;

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
    for (const w of parsed.warnings) req.warn?.(w);
    const settings = parsed.settings;
    if (this.ctx) await this.close(); // configured again: drop the previous client (and emulator)
    this.rt ??= await import('./provider-runtime.js');
    const opened = await this.rt.openGuestContext(settings, req.workDir, this.options.inventoryTtlMs ?? 15_000);
    this.connection = opened.connection;
    this.ctx = opened.ctx;
  }

  private context(): GuestContext {
    if (!this.ctx) throw new Error('the proxmox provider is used before configure()');
    return this.ctx;
  }

  private runtime(): Runtime {
    if (!this.rt) throw new Error('the proxmox provider is used before configure()');
    return this.rt;
  }

  private adapter(type: string): GuestKindAdapter {
    const a = this.runtime().ADAPTERS[type];
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
    return { state: await this.runtime().readGuest(this.context(), kind, vmid, req.prior, req) };
  }

  async reserve(req: ReserveRequest): Promise<ReserveResponse> {
    this.adapter(req.type);
    return { identity: await this.runtime().reserveGuest(this.context(), req.planned, req) };
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    return this.runtime().createGuest(this.context(), this.adapter(req.type), req.planned, req.identity, req);
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    return { state: await this.runtime().updateGuest(this.context(), this.adapter(req.type), req.id, req.prior, req.planned, req) };
  }

  async delete(req: DeleteRequest): Promise<void> {
    await this.runtime().deleteGuest(this.context(), this.adapter(req.type), req.id, req.prior, req);
  }

  async recover(req: RecoverRequest): Promise<CreateResponse | null> {
    return this.runtime().recoverGuest(this.context(), this.adapter(req.type), req.identity, req.planned, req);
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    return this.runtime().importGuest(this.context(), this.adapter(req.type), req.id, req);
  }

  /** Live plan-time checks of guest creates and updates (checks/live-plan-check.ts). */
  async checkPlan(req: CheckPlanRequest): Promise<CheckPlanResponse> {
    return { problems: await this.runtime().checkGuestPlan(this.context(), req.changes, req) };
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.ctx = undefined;
    await connection?.close();
  }
}
