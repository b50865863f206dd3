/**
 * One resource type's handler: what a provider does for that type, and nothing else. A
 * provider is its connection settings, its session and a table of these, one entry per
 * resource type (and per data source); `ResourceRouter` turns the table into the
 * `Provider` methods, so no provider routes by type itself.
 *
 * The planning side is pure and available before `configure` (the planner runs it); the
 * operations side takes the provider's configured session `S` (an API client, a socket) and
 * may be loaded lazily, on `configure`, to keep start-up light.
 */
import type {
  AttributeProblem,
  CreateRequest,
  CreateResponse,
  DeleteRequest,
  ImportRequest,
  ImportResponse,
  PlanResourceRequest,
  PlanResourceResponse,
  ReadDataRequest,
  ReadRequest,
  ReadResponse,
  RecoverRequest,
  ReserveRequest,
  ReserveResponse,
  UpdateRequest,
  UpdateResponse,
  ValidateResourceRequest,
} from './contract.js';

/** Plan-time side of one resource type (pure: no I/O). */
export interface ResourcePlanning {
  /** Checks beyond the JSON Schema. */
  validate?(req: ValidateResourceRequest): AttributeProblem[];
  /** Type-specific planning; without it the engine plans structurally from the schema. */
  plan?(req: PlanResourceRequest): PlanResourceResponse;
}

/** Apply-time side of one resource type, given the provider's configured session. */
export interface ResourceOperations<S> {
  read(session: S, req: ReadRequest): Promise<ReadResponse>;
  /** Chooses the identity up front (journalled before `create`), so a crash can be recovered. */
  reserve?(session: S, req: ReserveRequest): Promise<ReserveResponse>;
  create(session: S, req: CreateRequest): Promise<CreateResponse>;
  update(session: S, req: UpdateRequest): Promise<UpdateResponse>;
  delete(session: S, req: DeleteRequest): Promise<void>;
  /** After a crash: the object an interrupted create made under the reserved identity, or null. */
  recover?(session: S, req: RecoverRequest): Promise<CreateResponse | null>;
  importResource?(session: S, req: ImportRequest): Promise<ImportResponse>;
}

/** One data source: a read of something hl does not manage. */
export interface DataSourceHandler<S> {
  validate?(req: ValidateResourceRequest): AttributeProblem[];
  read(session: S, req: ReadDataRequest): Promise<ReadResponse>;
}

/** Both sides of one resource type, for providers that load everything at once. */
export type ResourceHandler<S> = ResourcePlanning & ResourceOperations<S>;
