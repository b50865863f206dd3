/**
 * The `crucible` provider: Oxide's disk model (disks, snapshots, images, attachments) on a
 * Proxmox VE cluster's storage, through the PVE API only. This file wires the pieces together:
 * provider-settings.ts (the block, sharing the proxmox connection settings), connection/ (the
 * PVE platform's client, TLS fetch and task waiting, providers/pve), model/ (names, sizes, ids, markers,
 * redundancy), planning/ (pure validation and plans), resources/ (holder guests and the CRUD of
 * each resource type); resource-planning.ts and resource-operations.ts are its handler table,
 * one entry per resource type, behind the ResourceRouter.
 */
import { isAbsolute, resolve } from 'node:path';
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
import { ResourceRouter } from '../../src/provider/resource-router.js';
import type { PveConnection } from '../pve/client/pve-connection.js';
import type { PveSession } from './connection/pve-session.js';
import { parseCrucibleConfig, type CrucibleSettings } from './provider-settings.js';
import { crucibleSchema } from './resource-schemas.js';
import { CRUCIBLE_PLANNING } from './resource-planning.js';

export { RESOURCE_TYPES, type CrucibleResourceType } from './resource-planning.js';

/** The connection and the operations of each resource type, loaded by configure (see provider-runtime.ts). */
type Runtime = typeof import('./provider-runtime.js');

export class CrucibleProvider implements Provider {
  readonly type = 'crucible';
  private session: PveSession | undefined;
  private connection: PveConnection | undefined;
  private settings: CrucibleSettings | undefined;
  private rt: Runtime | undefined;
  private readonly router = new ResourceRouter<PveSession>({
    provider: 'crucible',
    schema: () => this.getSchema(),
    planning: CRUCIBLE_PLANNING,
    operations: () => this.runtime().CRUCIBLE_OPERATIONS,
  });

  getSchema(): ProviderSchema {
    return crucibleSchema();
  }

  async configure(req: ConfigureRequest): Promise<void> {
    const parsed = parseCrucibleConfig(req.config, (p) => (isAbsolute(p) ? p : resolve(req.configDir, p)));
    if ('problems' in parsed) {
      throw new ProviderError(`crucible provider: ${parsed.problems.map((p) => `${p.attribute}: ${p.message}`).join('; ')}`);
    }
    for (const w of parsed.warnings) req.warn?.(w);
    this.settings = parsed.settings;
    const c = parsed.settings.connection;
    this.rt ??= await import('./provider-runtime.js');
    this.connection = await this.rt.openPveConnection(c, req.workDir, 'crucible', req.log);
    const client = this.connection.client;
    this.session = new this.rt.PveSession(client, { timeouts: c.timeouts, holderVmids: parsed.settings.holderVmids });
  }

  /** The parsed provider block (after configure). */
  get crucibleSettings(): CrucibleSettings | undefined {
    return this.settings;
  }

  /** The session (after configure), for tests and diagnostics. */
  get pve(): PveSession | undefined {
    return this.session;
  }

  private runtime(): Runtime {
    if (!this.rt) throw new Error('the crucible provider is used before configure()');
    return this.rt;
  }

  private pveSession(): PveSession {
    if (!this.session) throw new Error('the crucible provider is used before configure()');
    return this.session;
  }

  validateResource(req: ValidateResourceRequest): AttributeProblem[] {
    return this.router.validate(req);
  }

  planResource(req: PlanResourceRequest): PlanResourceResponse {
    return this.router.plan(req);
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    return this.router.read(this.pveSession(), req);
  }

  async reserve(req: ReserveRequest): Promise<ReserveResponse> {
    return this.router.reserve(this.pveSession(), req);
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    return this.router.create(this.pveSession(), req);
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    return this.router.update(this.pveSession(), req);
  }

  async delete(req: DeleteRequest): Promise<void> {
    return this.router.delete(this.pveSession(), req);
  }

  async recover(req: RecoverRequest): Promise<CreateResponse | null> {
    return this.router.recover(this.pveSession(), req);
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    return this.router.importResource(this.pveSession(), req);
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.session = undefined;
    await connection?.close();
  }
}
