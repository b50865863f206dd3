/**
 * The `proxmox` provider: `proxmox_vm` and `proxmox_lxc` on a Proxmox VE cluster (or the
 * embedded emulator). This file wires the pieces together; each concept lives in its own
 * module: attributes/ (each attribute declared once), mapping/ (attributes ⇄ PVE config),
 * planning/ (plan and validation, pure), resources/ (CRUD), checks/ (live plan checks),
 * placement/ (node capacity and what a guest asks of its node);
 * resource-planning.ts and resource-operations.ts are its handler table, one entry per
 * resource type, behind the ResourceRouter. The client, the cluster inventory and the
 * emulator are the PVE platform's (providers/pve).
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
  type OperationContext,
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
import type { PlacementDemand, PlacementDemandRequest, PlacementFacts } from '../../src/provider/placement.js';
import { ResourceRouter } from '../../src/provider/resource-router.js';
import type { PveClient } from '../pve/client/pve-client.js';
import type { PveConnection } from '../pve/client/pve-connection.js';
import type { ClusterInventory } from '../pve/cluster-inventory.js';
import { parseProviderConfig } from '../pve/provider-settings.js';
import { guestDemand } from './placement/guest-demand.js';
import { readPlacement } from './placement/read-placement.js';
import { PROXMOX_PLANNING } from './resource-planning.js';
import { proxmoxSchema } from './resource-schemas.js';
import type { GuestContext } from './resources/guest-context.js';

/** The connection, the refresh cache and the operations of each resource type, loaded by configure (see provider-runtime.ts). */
type Runtime = typeof import('./provider-runtime.js');

export interface ProxmoxProviderOptions {
  /** How long the cluster inventory is reused between reads (default 15 s). */
  inventoryTtlMs?: number;
}

export class ProxmoxProvider implements Provider {
  readonly type = 'proxmox';
  private ctx: GuestContext | undefined;
  private connection: PveConnection | undefined;
  private rt: Runtime | undefined;
  private readonly router = new ResourceRouter<GuestContext>({
    provider: 'proxmox',
    schema: () => this.getSchema(),
    planning: PROXMOX_PLANNING,
    operations: () => this.runtime().PROXMOX_OPERATIONS,
  });

  constructor(private readonly options: ProxmoxProviderOptions = {}) {}

  getSchema(): ProviderSchema {
    return proxmoxSchema();
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
    const opened = await this.rt.openGuestContext(settings, req.workDir, this.options.inventoryTtlMs ?? 15_000, req.log);
    this.connection = opened.connection;
    this.ctx = opened.ctx;
  }

  /** The API client (after configure), for tests and diagnostics. */
  get client(): PveClient | undefined {
    return this.ctx?.client;
  }

  /** The refresh cache (after configure), for tests and diagnostics. */
  get inventory(): ClusterInventory | undefined {
    return this.ctx?.inventory;
  }

  private context(): GuestContext {
    if (!this.ctx) throw new Error('the proxmox provider is used before configure()');
    return this.ctx;
  }

  private runtime(): Runtime {
    if (!this.rt) throw new Error('the proxmox provider is used before configure()');
    return this.rt;
  }

  validateResource(req: ValidateResourceRequest): AttributeProblem[] {
    return this.router.validate(req);
  }

  planResource(req: PlanResourceRequest): PlanResourceResponse {
    return this.router.plan(req);
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    return this.router.read(this.context(), req);
  }

  async reserve(req: ReserveRequest): Promise<ReserveResponse> {
    return this.router.reserve(this.context(), req);
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    return this.router.create(this.context(), req);
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    return this.router.update(this.context(), req);
  }

  async delete(req: DeleteRequest): Promise<void> {
    return this.router.delete(this.context(), req);
  }

  async recover(req: RecoverRequest): Promise<CreateResponse | null> {
    return this.router.recover(this.context(), req);
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    return this.router.importResource(this.context(), req);
  }

  /** Live plan-time checks of guest creates and updates (checks/live-plan-check.ts). */
  async checkPlan(req: CheckPlanRequest): Promise<CheckPlanResponse> {
    return { problems: await this.runtime().checkGuestPlan(this.context(), req.changes, req) };
  }

  /** The nodes' capacity and load and every guest (placement/read-placement.ts). */
  async readPlacement(req: OperationContext): Promise<PlacementFacts> {
    return readPlacement(this.context().client, req);
  }

  /** What a guest asks of its node (placement/guest-demand.ts, pure). */
  placementDemand(req: PlacementDemandRequest): PlacementDemand | undefined {
    return guestDemand(req);
  }

  /** A guest is its VMID, unique in the cluster: `pve/100` and `pumped-piglet/100` are one guest (it migrated). */
  sameObject(req: { type: string; a: string; b: string }): boolean {
    const vmid = (id: string): string | undefined => /^(?:[A-Za-z0-9][A-Za-z0-9.-]*\/)?(\d+)$/.exec(id.trim())?.[1];
    const a = vmid(req.a);
    return a !== undefined && a === vmid(req.b);
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.ctx = undefined;
    await connection?.close();
  }
}
