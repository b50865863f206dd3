/**
 * `fake`: a provider with no remote system, for tests, torture runs and benchmarks. It
 * records every call (to memory, and to a calls file when configured), keeps its objects
 * in a durable local world file, and can be told to be slow or to fail.
 *
 * Provider block: `{ latency_ms?, world?: "path", calls_log?: "path", fail_rate?, lost_reply_rate?,
 * fault_seed? }`. Fault injection, for torture runs (bench/torture/): each create, update and
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
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isValueMap, sameValue, UNKNOWN, type Attributes, type Value } from '../../src/core/value.js';
import { defaultPlanResource } from '../../src/provider/default-plan-resource.js';
import {
  ProviderError,
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
} from '../../src/provider/contract.js';
import { FakeWorld } from './fake-world.js';

export interface RecordedCall {
  method: 'read' | 'create' | 'update' | 'delete' | 'reserve' | 'recover' | 'import';
  type: string;
  id?: string;
  /** Resource name attribute, to identify calls in tests. */
  name?: string;
  phase: 'start' | 'end';
}

const RESOURCE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'hl:fake_resource',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'Changing it replaces the resource.' },
    value: { description: 'Any value.' },
    size: { type: 'number' },
    tags: { type: 'array', items: { type: 'string' } },
    description: { type: 'string' },
    secret: { type: 'string' },
    fail: { enum: ['create', 'update', 'delete', 'read', 'create-partial', 'update-partial'] },
  },
};

export class FakeProvider implements Provider {
  readonly type = 'fake';
  readonly calls: RecordedCall[] = [];
  private world = new FakeWorld();
  private latencyMs = 0;
  private callsLog: string | undefined;
  private faults: FaultSettings = NO_FAULTS;

  getSchema(): ProviderSchema {
    return {
      providerJsonSchema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          latency_ms: { type: 'number', minimum: 0 },
          world: { type: 'string' },
          calls_log: { type: 'string' },
          fail_rate: { type: 'number', minimum: 0, maximum: 1 },
          lost_reply_rate: { type: 'number', minimum: 0, maximum: 1 },
          fault_seed: { type: 'integer' },
        },
      },
      resources: {
        fake_resource: {
          jsonSchema: RESOURCE_SCHEMA,
          importIdFormat: 'fake-N',
          attributes: {
            id: { computed: true },
            serial: { computed: true },
            name: { required: true, forceNew: true },
            value: { optional: true },
            size: { optional: true },
            tags: { optional: true },
            description: { optional: true },
            secret: { optional: true, sensitive: true },
            fail: { optional: true },
          },
        },
      },
      dataSources: {
        fake_data: {
          jsonSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
          attributes: { name: { required: true }, id: { computed: true }, echo: { computed: true } },
        },
      },
    };
  }

  /** Structural planning, plus: any update bumps `serial`, so it is unknown until apply. */
  planResource(req: PlanResourceRequest): PlanResourceResponse {
    const schema = this.getSchema().resources[req.type]!;
    const r = defaultPlanResource(schema, req.prior, req.config);
    if (req.prior && r.requiresReplace.length === 0 && !sameValue(req.prior, r.planned)) r.planned['serial'] = UNKNOWN;
    return r;
  }

  async configure(req: ConfigureRequest): Promise<void> {
    const c = req.config;
    this.latencyMs = typeof c['latency_ms'] === 'number' ? c['latency_ms'] : 0;
    const world = typeof c['world'] === 'string' ? join(req.configDir, c['world']) : join(req.workDir, 'fake-world.jsonl');
    this.world = new FakeWorld(world);
    this.callsLog = typeof c['calls_log'] === 'string' ? join(req.configDir, c['calls_log']) : undefined;
    const rate = (k: string): number => (typeof c[k] === 'number' ? c[k] : 0);
    const seed = typeof c['fault_seed'] === 'number' ? c['fault_seed'] : Math.floor(Math.random() * 2 ** 32);
    this.faults = { failRate: rate('fail_rate'), lostReplyRate: rate('lost_reply_rate'), random: seededRandom(seed) };
  }

  /** For in-process tests: use a given world (shared between provider instances). */
  useWorld(world: FakeWorld, latencyMs = 0): this {
    this.world = world;
    this.latencyMs = latencyMs;
    return this;
  }

  get objects(): FakeWorld {
    return this.world;
  }

  private async call<T>(method: RecordedCall['method'], type: string, attrs: Attributes | undefined, id: string | undefined, fn: () => T): Promise<T> {
    const base: Omit<RecordedCall, 'phase'> = { method, type };
    if (id !== undefined) base.id = id;
    if (typeof attrs?.['name'] === 'string') base.name = attrs['name'];
    this.record({ ...base, phase: 'start' });
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const faulty = method === 'create' || method === 'update' || method === 'delete';
    if (faulty && this.faults.random() < this.faults.failRate) {
      throw new ProviderError(`fake: injected fault: the ${method} was refused and did nothing`, { retryable: true, safeToRetry: true, status: 503 });
    }
    const result = fn();
    if (faulty && this.faults.random() < this.faults.lostReplyRate) {
      throw new ProviderError(`fake: injected fault: the reply to the ${method} was lost (it took effect)`, { retryable: true });
    }
    this.record({ ...base, phase: 'end' });
    return result;
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    if (this.callsLog) appendFileSync(this.callsLog, JSON.stringify(call) + '\n');
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    return this.call('read', req.type, req.prior, req.id, () => {
      const obj = this.world.get(req.id);
      if (obj?.attributes['fail'] === 'read') throw new ProviderError(`fake: read of ${req.id} failed as configured`);
      return { state: obj ? { ...obj.attributes } : null };
    });
  }

  async readData(req: { type: string; config: Attributes }): Promise<ReadResponse> {
    return { state: { name: req.config['name'] ?? null, id: `data-${String(req.config['name'])}`, echo: `echo:${String(req.config['name'])}` } };
  }

  async reserve(req: ReserveRequest): Promise<ReserveResponse> {
    return this.call('reserve', req.type, req.planned, undefined, () => ({ identity: { id: this.world.allocateId() } }));
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    return this.call('create', req.type, req.planned, undefined, () => {
      if (req.planned['fail'] === 'create') throw new ProviderError(`fake: create of "${String(req.planned['name'])}" failed as configured`);
      const id = typeof req.identity?.['id'] === 'string' ? req.identity['id'] : this.world.allocateId();
      const existing = this.world.get(id);
      if (existing) return { id, state: existing.attributes }; // never create twice
      const attributes = this.materialize(req.planned, id, 0);
      if (req.planned['fail'] === 'create-partial') {
        const made = { ...attributes, description: null };
        this.world.put({ id, type: req.type, attributes: made });
        throw new ProviderError(`fake: "${String(req.planned['name'])}" was created, but setting its description failed`, { partial: { id, state: { ...made } } });
      }
      this.world.put({ id, type: req.type, attributes });
      return { id, state: attributes };
    });
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    return this.call('update', req.type, req.planned, req.id, () => {
      if (req.planned['fail'] === 'update') throw new ProviderError(`fake: update of "${String(req.planned['name'])}" failed as configured`);
      const obj = this.world.get(req.id);
      if (!obj) throw new ProviderError(`fake: object ${req.id} does not exist`);
      const serial = typeof obj.attributes['serial'] === 'number' ? obj.attributes['serial'] + 1 : 1;
      const attributes = this.materialize(req.planned, req.id, serial);
      if (req.planned['fail'] === 'update-partial') {
        const made = { ...attributes, description: obj.attributes['description'] ?? null };
        this.world.put({ id: req.id, type: req.type, attributes: made });
        throw new ProviderError(`fake: "${String(req.planned['name'])}" was updated, but setting its description failed`, { partial: { id: req.id, state: { ...made } } });
      }
      this.world.put({ id: req.id, type: req.type, attributes });
      return { state: attributes };
    });
  }

  async delete(req: DeleteRequest): Promise<void> {
    await this.call('delete', req.type, req.prior, req.id, () => {
      if (req.prior['fail'] === 'delete') throw new ProviderError(`fake: delete of "${String(req.prior['name'])}" failed as configured`);
      this.world.delete(req.id);
    });
  }

  async recover(req: RecoverRequest): Promise<CreateResponse | null> {
    return this.call('recover', req.type, req.planned, undefined, () => {
      const id = req.identity['id'];
      const obj = typeof id === 'string' ? this.world.get(id) : undefined;
      return obj ? { id: obj.id, state: obj.attributes } : null;
    });
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    return this.call('import', req.type, undefined, req.id, () => {
      const obj = this.world.get(req.id);
      return { resource: obj ? { id: obj.id, state: obj.attributes } : null };
    });
  }

  private materialize(planned: Attributes, id: string, serial: number): Attributes {
    const out: Attributes = {};
    for (const [k, v] of Object.entries(planned)) out[k] = known(v);
    out['id'] = id;
    out['serial'] = serial;
    return out;
  }
}

interface FaultSettings {
  failRate: number;
  lostReplyRate: number;
  /** Uniform in [0, 1). */
  random: () => number;
}

const NO_FAULTS: FaultSettings = { failRate: 0, lostReplyRate: 0, random: () => 1 };

/** mulberry32: small and repeatable, enough for fault decisions. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Unknowns in a planned value become null: the fake has nothing else to compute. */
function known(v: Value): Value {
  if (Array.isArray(v)) return v.map(known);
  if (isValueMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, known(x)]));
  return typeof v === 'object' && v !== null ? null : v;
}
