/**
 * The one router from a resource type to its handler (see resource-handler.ts). A provider
 * keeps a `ResourceRouter` and forwards the per-resource `Provider` methods to it; the router
 * finds the type's handler, falls back to the engine's structural planning where a type has
 * none, and answers the optional steps (recover, import) for types without them. The
 * operations are async, so that a failure to find a handler is a rejected promise, as a
 * provider's own failures are.
 */
import {
  ProviderError,
  type AttributeProblem,
  type CreateRequest,
  type CreateResponse,
  type DeleteRequest,
  type ImportRequest,
  type ImportResponse,
  type PlanResourceRequest,
  type PlanResourceResponse,
  type ProviderSchema,
  type ReadDataRequest,
  type ReadRequest,
  type ReadResponse,
  type RecoverRequest,
  type ReserveRequest,
  type ReserveResponse,
  type UpdateRequest,
  type UpdateResponse,
  type ValidateResourceRequest,
} from './contract.js';
import { defaultPlanResource } from './default-plan-resource.js';
import type { DataSourceHandler, ResourceOperations, ResourcePlanning } from './resource-handler.js';

export interface ResourceRouterOptions<S> {
  /** The provider type, for messages (`maas`). */
  provider: string;
  schema: () => ProviderSchema;
  /** Plan-time handlers, one per resource type (every type of the schema has an entry). */
  planning: Readonly<Record<string, ResourcePlanning>>;
  /** Apply-time handlers, one per resource type; may throw while the provider is not configured. */
  operations: () => Readonly<Record<string, ResourceOperations<S>>>;
  dataSources?: () => Readonly<Record<string, DataSourceHandler<S>>>;
  /** Plan-time checks of data sources (pure). */
  dataSourcePlanning?: Readonly<Record<string, Pick<DataSourceHandler<S>, 'validate'>>>;
}

export class ResourceRouter<S> {
  constructor(private readonly options: ResourceRouterOptions<S>) {}

  /** The resource types this router serves. */
  get types(): string[] {
    return Object.keys(this.options.planning);
  }

  validate(req: ValidateResourceRequest): AttributeProblem[] {
    const planning = this.options.planning[req.type] ?? this.options.dataSourcePlanning?.[req.type];
    if (!planning) throw this.unknown(req.type);
    return planning.validate?.(req) ?? [];
  }

  plan(req: PlanResourceRequest): PlanResourceResponse {
    const planning = this.planningOf(req.type);
    if (planning.plan) return planning.plan(req);
    const schema = this.options.schema().resources[req.type];
    if (!schema) throw this.unknown(req.type);
    return defaultPlanResource(schema, req.prior, req.config);
  }

  async read(session: S, req: ReadRequest): Promise<ReadResponse> {
    return this.operationsOf(req.type).read(session, req);
  }

  async readData(session: S, req: ReadDataRequest): Promise<ReadResponse> {
    const handler = this.options.dataSources?.()[req.type];
    if (!handler) throw new ProviderError(`the ${this.options.provider} provider has no data source "${req.type}"`);
    return handler.read(session, req);
  }

  /**
   * Only for providers whose every type reserves (a provider exposes `reserve` or not, for all
   * its types: the executor journals an identity for each create when it does).
   */
  async reserve(session: S, req: ReserveRequest): Promise<ReserveResponse> {
    const ops = this.operationsOf(req.type);
    if (!ops.reserve) throw new Error(`the ${this.options.provider} provider reserves, but its ${req.type} handler has no reserve`);
    return ops.reserve(session, req);
  }

  async create(session: S, req: CreateRequest): Promise<CreateResponse> {
    return this.operationsOf(req.type).create(session, req);
  }

  async update(session: S, req: UpdateRequest): Promise<UpdateResponse> {
    return this.operationsOf(req.type).update(session, req);
  }

  async delete(session: S, req: DeleteRequest): Promise<void> {
    return this.operationsOf(req.type).delete(session, req);
  }

  async recover(session: S, req: RecoverRequest): Promise<CreateResponse | null> {
    const ops = this.operationsOf(req.type);
    return ops.recover ? ops.recover(session, req) : null;
  }

  async importResource(session: S, req: ImportRequest): Promise<ImportResponse> {
    const ops = this.operationsOf(req.type);
    if (!ops.importResource) throw new ProviderError(`the ${this.options.provider} provider cannot import ${req.type}`);
    return ops.importResource(session, req);
  }

  private planningOf(type: string): ResourcePlanning {
    const planning = this.options.planning[type];
    if (!planning) throw this.unknown(type);
    return planning;
  }

  private operationsOf(type: string): ResourceOperations<S> {
    const ops = this.options.operations()[type];
    if (!ops) throw this.unknown(type);
    return ops;
  }

  private unknown(type: string): ProviderError {
    return new ProviderError(`the ${this.options.provider} provider has no resource type "${type}" (it has ${this.types.join(', ')})`);
  }
}
