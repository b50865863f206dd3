/**
 * The `coral` provider: Google Coral Edge TPUs on Proxmox VE nodes. The `coral_devices` data
 * source lists them; `coral_passthrough` passes one to a VM or container of its node. This
 * file wires the pieces; each concept lives in its own module: connection.ts (provider block,
 * client, embedded emulator), hardware/ (listings → Corals), passthrough/ (config, plan and
 * validation — pure —, observe, write, the node a passthrough binds its guest to);
 * resource-planning.ts and resource-operations.ts are its handler table, behind the
 * ResourceRouter. No `reserve` or `recover`: coral chooses no identity up front.
 */
import type {
  AttributeProblem,
  ConfigureRequest,
  CreateRequest,
  CreateResponse,
  DeleteRequest,
  ImportRequest,
  ImportResponse,
  PlanResourceRequest,
  PlanResourceResponse,
  Provider,
  ProviderSchema,
  ReadDataRequest,
  ReadRequest,
  ReadResponse,
  UpdateRequest,
  UpdateResponse,
  ValidateResourceRequest,
} from '../../src/provider/contract.js';
import type { NodeBinding, NodeBindingsRequest } from '../../src/provider/placement.js';
import { ResourceRouter } from '../../src/provider/resource-router.js';
import type { PveClient } from '../pve/client/pve-client.js';
import type { CoralConnection } from './connection.js';
import { coralNodeBindings } from './passthrough/node-bindings.js';
import { CORAL_DATA_SOURCE_PLANNING, CORAL_PLANNING } from './resource-planning.js';
import { coralSchema } from './resource-schemas.js';

/** The connection, reads and writes, loaded by configure (see provider-runtime.ts). */
type Runtime = typeof import('./provider-runtime.js');

export class CoralProvider implements Provider {
  readonly type = 'coral';
  private connection: CoralConnection | undefined;
  private rt: Runtime | undefined;
  private readonly router = new ResourceRouter<PveClient>({
    provider: 'coral',
    schema: () => this.getSchema(),
    planning: CORAL_PLANNING,
    operations: () => this.runtime().CORAL_OPERATIONS,
    dataSources: () => this.runtime().CORAL_DATA_SOURCES,
    dataSourcePlanning: CORAL_DATA_SOURCE_PLANNING,
  });

  getSchema(): ProviderSchema {
    return coralSchema();
  }

  async configure(req: ConfigureRequest): Promise<void> {
    this.rt ??= await import('./provider-runtime.js');
    this.connection = await this.rt.openConnection(req);
  }

  /** The API client (after configure), for tests and diagnostics. */
  get client(): PveClient | undefined {
    return this.connection?.client;
  }

  private runtime(): Runtime {
    if (!this.rt) throw new Error('the coral provider is used before configure()');
    return this.rt;
  }

  private api(): PveClient {
    if (!this.connection) throw new Error('the coral provider is used before configure()');
    return this.connection.client;
  }

  validateResource(req: ValidateResourceRequest): AttributeProblem[] {
    return this.router.validate(req);
  }

  planResource(req: PlanResourceRequest): PlanResourceResponse {
    return this.router.plan(req);
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    return this.router.read(this.api(), req);
  }

  async readData(req: ReadDataRequest): Promise<ReadResponse> {
    return this.router.readData(this.api(), req);
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    return this.router.create(this.api(), req);
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    return this.router.update(this.api(), req);
  }

  async delete(req: DeleteRequest): Promise<void> {
    return this.router.delete(this.api(), req);
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    return this.router.importResource(this.api(), req);
  }

  /** The guests a passthrough binds to the Coral's node (passthrough/node-bindings.ts, pure). */
  nodeBindings(req: NodeBindingsRequest): NodeBinding[] {
    return coralNodeBindings(req);
  }

  async close(): Promise<void> {
    const c = this.connection;
    this.connection = undefined;
    await c?.close();
  }
}
