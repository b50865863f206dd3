/**
 * The provider contract: what every provider (proxmox, crucible, maas, kuma, coral, and the
 * test fakes) implements. Each method takes one request object and returns one response
 * object, so fields can be added without breaking implementations.
 *
 * Rules every provider follows (checked by the shared conformance suite):
 * - `read` never modifies anything; a resource that no longer exists is answered with
 *   `state: null`, not an error.
 * - `create` is never blindly re-sent: when `reserve` gave an identity, `create` uses it and
 *   treats "already exists with that identity and our marker" as success.
 * - `delete` of a resource already gone succeeds.
 * - `planResource` is pure (no I/O): it runs inside the planning core.
 * - User-facing failures (API refused, permission, timeout) are thrown as `ProviderError`;
 *   anything else thrown is a bug. `retryable` says the failure is transient (the engine
 *   tries reads again); `safeToRetry` says a failed write did nothing, so the engine may send
 *   it again; `retryAfterMs` passes up a server's `Retry-After`.
 * - `checkPlan` only reads: it answers, at plan time, whether the planned creates and
 *   updates can succeed against what exists now (storage, bridges, templates, free ids).
 * - `implicitDependencies` is pure: orderings the provider's API needs between resources
 *   that config does not express by references (e.g. a MAAS device before a DNS record on
 *   its literal IP).
 * - An operation that failed after it made or changed the object (a create whose start
 *   failed) throws a `ProviderError` with `partial`: the object as it really is, which the
 *   engine records in state so the next plan finishes the work.
 * - `heartbeat.check` is pure; `heartbeat.send` fails with a `ProviderError` whose message
 *   holds no secret of the resource (a push token, a URL carrying one).
 */
import type { Attributes, Path, Value } from '../core/value.js';
import type { ProviderCallLog } from './call-log.js';
import type { InventoryFactsHook } from './inventory-facts.js';
import type {
  NodeBinding,
  NodeBindingsRequest,
  PlacementDemand,
  PlacementDemandRequest,
  PlacementFacts,
  PlannedMigration,
} from './placement.js';

export interface AttributeSchema {
  /** Set by the provider, not by config (e.g. a MAC address, a MAAS system_id). */
  computed?: boolean;
  /** May be set in config (for computed attributes: config may set it, else provider does). */
  optional?: boolean;
  required?: boolean;
  /** A change to this attribute cannot be made in place: the resource is replaced. */
  forceNew?: boolean;
  sensitive?: boolean;
  /**
   * Part of the object's identity when config sets it (a VMID, a hostname): no two objects
   * may share it, so a create_before_destroy replacement that keeps the value can never
   * apply. The planner refuses such a plan.
   */
  identity?: boolean;
  description?: string;
}

export interface ResourceTypeSchema {
  /** JSON Schema of the resource's config attributes (the file in `schemas/`). */
  jsonSchema: object;
  /** Top-level attributes, for diffing, computed values and sensitivity. */
  attributes: Record<string, AttributeSchema>;
  /**
   * Sensitive attributes inside nested blocks (e.g. `['cloud_init', 'password']`); a `'*'`
   * step matches any key (e.g. `['networks', '*', 'secret']`).
   */
  sensitivePaths?: Path[];
  /** Whether `hl import` is supported, and what an ID looks like (for messages). */
  importIdFormat?: string;
  /** What the type's resources tell `hl docs` (a guest, a device, a DNS record, a monitor); none when absent. */
  inventory?: InventoryFactsHook;
}

export interface ProviderSchema {
  /** JSON Schema of the provider block. */
  providerJsonSchema: object;
  /** Attributes of the provider block that are sensitive (redacted everywhere). */
  providerSensitive?: string[];
  resources: Record<string, ResourceTypeSchema>;
  dataSources: Record<string, ResourceTypeSchema>;
}

/** Lets a long operation report progress ("waiting for task UPID:...") to the UI. */
export interface OperationContext {
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

export interface ConfigureRequest extends OperationContext {
  /** The evaluated provider block. */
  config: Attributes;
  /** Directory of the config, for relative paths such as `ca_file`. */
  configDir: string;
  /** Where emulators keep their world when the provider runs embedded. */
  workDir: string;
  /** Reports a warning about the block (plain http by opt-in, `insecure: true`), shown at the provider block. */
  warn?: (message: string) => void;
  /**
   * Where the instance's client reports every call it makes to its server (HL_LOG, see
   * call-log.ts): scoped to this instance, redacting; absent, nothing is logged.
   */
  log?: ProviderCallLog;
}

export interface ValidateResourceRequest {
  type: string;
  /** Evaluated config; may contain unknowns. */
  config: Attributes;
  /** The provider's evaluated configuration (e.g. to know whether auth is a token). */
  providerConfig: Attributes;
}

export interface AttributeProblem {
  /** Path of the attribute inside the resource config ([] = the resource as a whole). */
  path: Path;
  message: string;
  severity?: 'error' | 'warning';
}

export interface PlanResourceRequest {
  type: string;
  /** The state before (refreshed), or null for a create. */
  prior: Attributes | null;
  /** Config merged for planning: config values, unknowns where not known yet. */
  config: Attributes;
  providerConfig: Attributes;
}

export interface PlanResourceResponse {
  /**
   * The planned attributes after apply. Computed attributes not set by config keep their
   * prior value when nothing forces a change, else are UNKNOWN.
   */
  planned: Attributes;
  /** Attribute changes that cannot be done in place, with why. */
  requiresReplace: { path: Path; reason: string }[];
  /** Notes for the plan, e.g. "memory change needs a reboot (reboot policy: never)". */
  notes: string[];
  problems: AttributeProblem[];
  /**
   * The update moves the object to another node in place (a migration) instead of replacing
   * it; `lifecycle.migrate: false` in config makes the planner replace it instead.
   */
  migration?: PlannedMigration;
}

export interface ReadRequest extends OperationContext {
  type: string;
  id: string;
  /** Attributes as last recorded in state. */
  prior: Attributes;
}

export interface ReadResponse {
  /** null: the resource is gone. */
  state: Attributes | null;
  /** The object's id, when it is no longer the one asked for (a guest migrated: its id is `node/vmid`). */
  id?: string;
}

export interface ReadDataRequest extends OperationContext {
  type: string;
  config: Attributes;
}

export interface ReserveRequest extends OperationContext {
  type: string;
  planned: Attributes;
}

export interface ReserveResponse {
  /**
   * The identity the resource will have (e.g. `{node: "pve", vmid: 120}`), made durable in
   * the journal before `create` is called, so that a crash after the create can be recovered.
   */
  identity: Record<string, Value>;
}

export interface CreateRequest extends OperationContext {
  type: string;
  planned: Attributes;
  identity?: Record<string, Value>;
}

export interface CreateResponse {
  id: string;
  state: Attributes;
}

export interface UpdateRequest extends OperationContext {
  type: string;
  id: string;
  prior: Attributes;
  planned: Attributes;
}

export interface UpdateResponse {
  state: Attributes;
  /** The object's id, when the update changed it (a migration to another node). */
  id?: string;
}

export interface DeleteRequest extends OperationContext {
  type: string;
  id: string;
  prior: Attributes;
}

export interface RecoverRequest extends OperationContext {
  type: string;
  /** What `reserve` answered before the interrupted create. */
  identity: Record<string, Value>;
  planned: Attributes;
}

/** One planned create or update of a provider instance, for `checkPlan`. */
export interface PlannedChange {
  /** Instance address, to report problems against. */
  address: string;
  type: string;
  /** 'create' includes the create half of a replacement. */
  action: 'create' | 'update';
  /** Refreshed attributes before (null for a create). */
  prior: Attributes | null;
  /**
   * For the create half of a replacement: the object it replaces (deleted before the create
   * unless create_before_destroy), whose identity (its VMID, say) the create may reuse.
   */
  replaces?: Attributes;
  /** Planned attributes; may contain unknowns, which a check skips. */
  planned: Attributes;
}

export interface CheckPlanRequest extends OperationContext {
  changes: PlannedChange[];
}

export interface PlanProblem extends AttributeProblem {
  /** Instance address of the change the problem is about. */
  address: string;
}

export interface CheckPlanResponse {
  problems: PlanProblem[];
}

/** One planned instance of this provider, for `implicitDependencies`. */
export interface PlannedInstance {
  address: string;
  type: string;
  /** Planned attributes (the prior ones for a delete); may contain unknowns. */
  attributes: Attributes;
}

export interface ImplicitDependenciesRequest {
  resources: PlannedInstance[];
}

/** `dependent` is applied after `dependency` (and deleted before it), because `reason`. */
export interface ImplicitDependency {
  dependent: string;
  dependency: string;
  reason: string;
}

export interface ImportRequest extends OperationContext {
  type: string;
  id: string;
}

export interface ImportResponse {
  /** null when nothing with that id exists. */
  resource: { id: string; state: Attributes } | null;
}

/** Whether a resource can take the heartbeats of `hl watch --heartbeat` (see `HeartbeatHook`). */
export interface HeartbeatCheckRequest {
  type: string;
  /** Its attributes as recorded in state (sensitive ones included). */
  state: Attributes;
  /**
   * The longest time expected between two heartbeats, in milliseconds (the watcher's interval
   * with its jitter, before the time a cycle takes); absent when unknown (`hl watch --once`
   * from a timer).
   */
  everyMs?: number;
}

/** One heartbeat to a monitor the provider manages. */
export interface HeartbeatRequest extends OperationContext {
  type: string;
  id: string;
  /** Its attributes as recorded in state (sensitive ones included). */
  state: Attributes;
  /** `up`: the watched work went well; `down`: it failed, for `message`. */
  status: 'up' | 'down';
  /** A short line for the monitor's history, free of secrets. */
  message: string;
  /** How long the watched work took, in milliseconds. */
  pingMs?: number;
}

/**
 * Heartbeats to a monitor of this provider's (an Uptime Kuma push monitor): `hl watch
 * --heartbeat ADDRESS` sends one after each cycle, so that a watcher that stops, and so stops
 * sending, pages someone. The engine knows no monitor type: it asks `check` which resources
 * can take heartbeats and hands `send` the resource as in state.
 */
export interface HeartbeatHook {
  /**
   * Whether the resource can take heartbeats (pure; the provider need not be configured):
   * problems at the attribute they are about, none when it can; a warning for a setting that
   * would page while the watcher is fine (an interval shorter than `everyMs`).
   */
  check(req: HeartbeatCheckRequest): AttributeProblem[];
  /** Sends one heartbeat; a refusal or a failure to reach the server is a `ProviderError`. */
  send(req: HeartbeatRequest): Promise<void>;
}

export interface Provider {
  /** `proxmox`, `maas`, ... */
  readonly type: string;
  getSchema(): ProviderSchema;
  configure(req: ConfigureRequest): Promise<void>;
  /** Plan-time checks beyond the JSON schema (pure). */
  validateResource?(req: ValidateResourceRequest): AttributeProblem[];
  /** Provider-specific planning (pure). Without it the engine diffs structurally. */
  planResource?(req: PlanResourceRequest): PlanResourceResponse;
  read(req: ReadRequest): Promise<ReadResponse>;
  readData?(req: ReadDataRequest): Promise<ReadResponse>;
  reserve?(req: ReserveRequest): Promise<ReserveResponse>;
  create(req: CreateRequest): Promise<CreateResponse>;
  update(req: UpdateRequest): Promise<UpdateResponse>;
  delete(req: DeleteRequest): Promise<void>;
  /** After a crash: find the resource an interrupted create may have made. null = none. */
  recover?(req: RecoverRequest): Promise<CreateResponse | null>;
  importResource?(req: ImportRequest): Promise<ImportResponse>;
  /**
   * Live plan-time checks (reads only, batched: one listing per node, not one per change):
   * whether each planned create and update can succeed against what exists now.
   */
  checkPlan?(req: CheckPlanRequest): Promise<CheckPlanResponse>;
  /**
   * Orderings between this provider's planned instances that no reference in config gives
   * (pure). The planner adds them as dependencies, unless one would make a cycle with what
   * config says.
   */
  implicitDependencies?(req: ImplicitDependenciesRequest): ImplicitDependency[];
  /**
   * Reads where the provider's objects can run and how busy each node is (src/provider/placement.ts),
   * for the plan's capacity table and `node: auto`. Reads only.
   */
  readPlacement?(req: OperationContext): Promise<PlacementFacts>;
  /** What an instance of `type` asks of its node (pure); undefined for a type that is not placed on nodes. */
  placementDemand?(req: PlacementDemandRequest): PlacementDemand | undefined;
  /** Objects the given instances bind to one node (pure): a guest with hardware passed through. */
  nodeBindings?(req: NodeBindingsRequest): NodeBinding[];
  /**
   * Whether two ids of `type` name one object (pure): a guest's `pve/100` and, after it
   * migrated, `pumped-piglet/100`. Without it, ids are the same object only when equal.
   */
  sameObject?(req: { type: string; a: string; b: string }): boolean;
  /** Heartbeats to a monitor it manages (hl watch --heartbeat); absent when it has no such monitors. */
  readonly heartbeat?: HeartbeatHook;
  close?(): Promise<void>;
}

export interface ProviderErrorOptions {
  /** Transient: the same read may succeed if tried again. */
  retryable?: boolean;
  /** A failed write that did nothing on the server: sending it again is safe. */
  safeToRetry?: boolean;
  /** The server asked to wait this long before trying again (`Retry-After`). */
  retryAfterMs?: number;
  status?: number;
  detail?: string;
  /**
   * The operation failed after it made or changed the object: its id and real attributes,
   * recorded in state so the next plan finishes the work (e.g. a create whose start failed).
   */
  partial?: { id: string; state: Attributes };
  /**
   * The provider's server could not be reached at all (nothing was sent, or no answer came):
   * why, in a word the engine turns into a sentence and a hint, and where it tried. The engine
   * reports it once per provider instance, at its provider block, and does not retry it (the
   * provider's client already tried the connection again where that made sense).
   */
  unreachable?: { cause: UnreachableCause; endpoint?: string };
}

/** Why a provider's server could not be reached (see src/provider/connection-failure.ts). */
export type UnreachableCause =
  | 'refused'
  | 'timeout'
  | 'dns'
  | 'tls-unknown-ca'
  | 'tls-name-mismatch'
  | 'tls-fingerprint'
  | 'tls-expired'
  | 'tls'
  | 'http-to-https'
  | 'https-to-http'
  | 'closed'
  | 'reset';

/** A failure the user can act on (API error, permission, timeout), with the call that failed. */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly options: ProviderErrorOptions = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** How a provider type is instantiated: one instance per provider block (aliases included). */
export interface ProviderFactory {
  readonly type: string;
  create(): Provider;
}
