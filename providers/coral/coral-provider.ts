/**
 * The `coral` provider: Google Coral Edge TPUs on Proxmox VE nodes. The `coral_devices` data
 * source lists them; `coral_passthrough` passes one to a VM or container of its node. This
 * file wires the pieces; each concept lives in its own module: connection.ts (provider block,
 * client, embedded emulator), hardware/ (listings → Corals), passthrough/ (config, plan and
 * validation — pure —, observe, write).
 */
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
  type ReadDataRequest,
  type ReadRequest,
  type ReadResponse,
  type UpdateRequest,
  type UpdateResponse,
  type ValidateResourceRequest,
} from '../../src/provider/contract.js';
import type { Attributes } from '../../src/core/value.js';
import type { PveClient } from '../pve/client/pve-client.js';
import type { CoralConnection } from './connection.js';
import type { PassthroughIdentity } from './passthrough/passthrough-observe.js';
import { planPassthrough } from './passthrough/passthrough-plan.js';
import { parsePassthroughId } from './passthrough/passthrough-state.js';
import { validatePassthrough } from './passthrough/passthrough-validation.js';
import { coralSchema } from './resource-schemas.js';

/** The connection, reads and writes, loaded by configure (see provider-runtime.ts). */
type Runtime = typeof import('./provider-runtime.js');

const PASSTHROUGH = 'coral_passthrough';
const DEVICES = 'coral_devices';

function identityOf(id: string, prior: Attributes): PassthroughIdentity {
  const parsed = parsePassthroughId(id);
  const node = typeof prior.node === 'string' ? prior.node : parsed?.node;
  const vmid = typeof prior.vmid === 'number' ? prior.vmid : parsed?.vmid;
  if (node === undefined || vmid === undefined) throw new ProviderError(`"${id}" is not a coral_passthrough id (expected node/vmid/slot)`);
  const slot = typeof prior.slot === 'string' ? prior.slot : prior.slot === null ? null : (parsed?.slot ?? null);
  return {
    node,
    vmid,
    guestType: prior.guest_type === 'lxc' || prior.guest_type === 'vm' ? prior.guest_type : slot === null || /^dev\d+$/.test(slot) ? 'lxc' : 'vm',
    slot,
    port: typeof prior.port === 'string' ? prior.port : null,
    pciAddress: typeof prior.pci_address === 'string' ? prior.pci_address : null,
    index: typeof prior.index === 'number' ? prior.index : null,
    allowSharedIommuGroup: prior.allow_shared_iommu_group === true,
  };
}

export class CoralProvider implements Provider {
  readonly type = 'coral';
  private connection: CoralConnection | undefined;
  private rt: Runtime | undefined;

  private runtime(): Runtime {
    if (!this.rt) throw new Error('the coral provider is used before configure()');
    return this.rt;
  }

  getSchema(): ProviderSchema {
    return coralSchema();
  }

  /** The API client (after configure), for tests and diagnostics. */
  get client(): PveClient | undefined {
    return this.connection?.client;
  }

  async configure(req: ConfigureRequest): Promise<void> {
    this.rt ??= await import('./provider-runtime.js');
    this.connection = await this.rt.openConnection(req);
  }

  private api(): PveClient {
    if (!this.connection) throw new Error('the coral provider is used before configure()');
    return this.connection.client;
  }

  private check(type: string): void {
    if (type !== PASSTHROUGH) throw new Error(`the coral provider has no resource type "${type}"`);
  }

  validateResource(req: ValidateResourceRequest): AttributeProblem[] {
    return req.type === PASSTHROUGH ? validatePassthrough(req.config, req.providerConfig) : [];
  }

  planResource(req: PlanResourceRequest): PlanResourceResponse {
    this.check(req.type);
    return planPassthrough(req.prior, req.config);
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    this.check(req.type);
    return { state: await this.runtime().observePassthrough(this.api(), identityOf(req.id, req.prior), req) };
  }

  async readData(req: ReadDataRequest): Promise<ReadResponse> {
    if (req.type !== DEVICES) throw new Error(`the coral provider has no data source "${req.type}"`);
    return { state: await this.runtime().readCoralDevices(this.api(), req.config, req) };
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    this.check(req.type);
    return this.runtime().applyPassthrough(this.api(), req.planned, null, req);
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    this.check(req.type);
    return { state: (await this.runtime().applyPassthrough(this.api(), req.planned, req.prior, req)).state };
  }

  async delete(req: DeleteRequest): Promise<void> {
    this.check(req.type);
    await this.runtime().removePassthrough(this.api(), req.prior, req);
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    this.check(req.type);
    const parsed = parsePassthroughId(req.id);
    if (!parsed) throw new ProviderError(`"${req.id}" is not a coral_passthrough id: expected node/vmid/slot, e.g. fun-bedbug/120/usb0`);
    const where = await this.runtime().locateGuest(this.api(), parsed.vmid, req);
    if (!where || where.node !== parsed.node) return { resource: null };
    const state = await this.runtime().observePassthrough(this.api(), { ...where, slot: parsed.slot }, req);
    return { resource: state ? { id: req.id, state } : null };
  }

  async close(): Promise<void> {
    const c = this.connection;
    this.connection = undefined;
    await c?.close();
  }
}
