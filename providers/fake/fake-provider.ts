/**
 * `fake`: a provider with no remote system, for tests, torture runs and benchmarks. It
 * records every call (to memory, and to a calls file when configured), keeps its objects
 * in a durable local world file, and can be told to be slow or to fail.
 *
 * Provider block: `{ latency_ms?, world?: "path", calls_log?: "path", fail_rate?, lost_reply_rate?,
 * fault_seed?, cluster? }`. Fault injection, for torture runs (bench/torture/): each create, update and
 * delete fails with probability `fail_rate` before touching anything (like a refused request:
 * safe to retry), or with probability `lost_reply_rate` after it took effect (like a reply lost
 * on the way back: not safe to retry). Reads and reserves never fail. `fault_seed` makes the decisions repeatable; without
 * it every process draws differently.
 * Resource `fake_resource`: `name` (forces replacement when changed), `value`, `size`,
 * `tags`, `description`, `secret` (sensitive), `fail` ("create" | "update" | "delete": that
 * operation fails; "read": reading the object fails, not retryably; "create-partial" |
 * "update-partial": the operation makes or changes the object but leaves its `description`
 * unset — a failed step after the main one — and fails with the object as it is in
 * `partial`); computed `id` and `serial` (a counter bumped by each update).
 * Placed types `fake_guest` and `fake_binding` (fake-placement.ts), with the cluster that
 * readPlacement reports given by `useCluster` or the block's `cluster` (none by default: no nodes).
 * Pieces: fake-schema.ts, fake-placement.ts, fake-session.ts (recording, latency, faults), fake-faults.ts,
 * fake-world.ts, and resource-handlers.ts (the handler table behind the ResourceRouter).
 */
import { join, resolve } from 'node:path';
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
  RecoverRequest,
  ReserveRequest,
  ReserveResponse,
  UpdateRequest,
  UpdateResponse,
  ValidateResourceRequest,
} from '../../src/provider/contract.js';
import type {
  NodeBinding,
  NodeBindingsRequest,
  PlacementDemand,
  PlacementDemandRequest,
  PlacementFacts,
} from '../../src/provider/placement.js';
import { ProviderError } from '../../src/provider/contract.js';
import { ResourceRouter } from '../../src/provider/resource-router.js';
import { isValueMap } from '../../src/core/value.js';
import { fakeNodeBindings, fakePlacementDemand } from './fake-placement.js';
import { seededRandom } from './fake-faults.js';
import { fakeSchema } from './fake-schema.js';
import { FakeSession, type RecordedCall } from './fake-session.js';
import { FakeWorld } from './fake-world.js';
import { FAKE_DATA_SOURCE_PLANNING, FAKE_DATA_SOURCES, FAKE_RESOURCES } from './resource-handlers.js';

export type { RecordedCall } from './fake-session.js';

export class FakeProvider implements Provider {
  readonly type = 'fake';
  private readonly session = new FakeSession();
  private cluster: PlacementFacts | string | undefined;
  private readonly router = new ResourceRouter<FakeSession>({
    provider: 'fake',
    schema: () => this.getSchema(),
    planning: FAKE_RESOURCES,
    operations: () => FAKE_RESOURCES,
    dataSources: () => FAKE_DATA_SOURCES,
    dataSourcePlanning: FAKE_DATA_SOURCE_PLANNING,
  });

  getSchema(): ProviderSchema {
    return fakeSchema();
  }

  async configure(req: ConfigureRequest): Promise<void> {
    const c = req.config;
    this.session.latencyMs = typeof c['latency_ms'] === 'number' ? c['latency_ms'] : 0;
    const world = typeof c['world'] === 'string' ? resolve(req.configDir, c['world']) : join(req.workDir, 'fake-world.jsonl');
    this.session.world = new FakeWorld(world);
    this.session.callsLog = typeof c['calls_log'] === 'string' ? resolve(req.configDir, c['calls_log']) : undefined;
    const rate = (k: string): number => (typeof c[k] === 'number' ? c[k] : 0);
    const seed = typeof c['fault_seed'] === 'number' ? c['fault_seed'] : Math.floor(Math.random() * 2 ** 32);
    this.session.faults = { failRate: rate('fail_rate'), lostReplyRate: rate('lost_reply_rate'), random: seededRandom(seed) };
    if (isValueMap(c['cluster'])) {
      const cluster = c['cluster'] as unknown as Partial<PlacementFacts>;
      this.cluster = { nodes: cluster.nodes ?? [], objects: cluster.objects ?? [] };
    }
  }

  /** For in-process tests: use a given world (shared between provider instances). */
  useWorld(world: FakeWorld, latencyMs = 0): this {
    this.session.world = world;
    this.session.latencyMs = latencyMs;
    return this;
  }

  /** For in-process tests: the cluster readPlacement reports, or the message its read fails with. */
  useCluster(cluster: PlacementFacts | string | undefined): this {
    this.cluster = cluster;
    return this;
  }

  /** Every call so far, in order (start and end of each). */
  get calls(): RecordedCall[] {
    return this.session.calls;
  }

  get objects(): FakeWorld {
    return this.session.world;
  }

  validateResource(req: ValidateResourceRequest): AttributeProblem[] {
    return this.router.validate(req);
  }

  planResource(req: PlanResourceRequest): PlanResourceResponse {
    return this.router.plan(req);
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    return this.router.read(this.session, req);
  }

  async readData(req: ReadDataRequest): Promise<ReadResponse> {
    return this.router.readData(this.session, req);
  }

  async reserve(req: ReserveRequest): Promise<ReserveResponse> {
    return this.router.reserve(this.session, req);
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    return this.router.create(this.session, req);
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    return this.router.update(this.session, req);
  }

  async delete(req: DeleteRequest): Promise<void> {
    return this.router.delete(this.session, req);
  }

  async recover(req: RecoverRequest): Promise<CreateResponse | null> {
    return this.router.recover(this.session, req);
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    return this.router.importResource(this.session, req);
  }

  async readPlacement(): Promise<PlacementFacts> {
    if (typeof this.cluster === 'string') throw new ProviderError(`fake: ${this.cluster}`);
    return this.cluster ?? { nodes: [], objects: [] };
  }

  placementDemand(req: PlacementDemandRequest): PlacementDemand | undefined {
    return fakePlacementDemand(req);
  }

  nodeBindings(req: NodeBindingsRequest): NodeBinding[] {
    return fakeNodeBindings(req);
  }
}
