/**
 * The `maas` provider: one instance per provider block (so several MAAS regions are several
 * instances, each with its own client, TLS trust and, when emulated, its own emulator).
 *
 * Resources: `maas_device`, `maas_dns_record`, `maas_dns_domain`, `maas_tag`,
 * `maas_reserved_ip` (MAAS 3.6+); data source: `maas_subnet`.
 * Plan-time checks (`validateResource`, pure), live plan checks (`checkPlan`, reads only:
 * resources/live-plan-check.ts) and live checks in create/update before any write are
 * described in resources/device-validation.ts and resources/device-live-checks.ts.
 * resource-planning.ts and resource-operations.ts are its handler table, one entry per
 * resource type and data source, behind the ResourceRouter.
 */
import { join } from 'node:path';
import {
  ProviderError,
  type AttributeProblem,
  type CheckPlanRequest,
  type CheckPlanResponse,
  type ConfigureRequest,
  type CreateRequest,
  type CreateResponse,
  type DeleteRequest,
  type ImplicitDependenciesRequest,
  type ImplicitDependency,
  type ImportRequest,
  type ImportResponse,
  type PlanResourceRequest,
  type PlanResourceResponse,
  type Provider,
  type ProviderSchema,
  type ReadDataRequest,
  type ReadRequest,
  type ReadResponse,
  type RecoverRequest,
  type UpdateRequest,
  type UpdateResponse,
  type ValidateResourceRequest,
} from '../../src/provider/contract.js';
import { ResourceRouter } from '../../src/provider/resource-router.js';
import type { MaasEmulator } from './emulator/maas-emulator.js';
import type { MaasSession } from './maas-session.js';
import { parseProviderConfig } from './provider-config.js';
import { maasProviderSchema } from './provider-schema.js';
import { dnsRecordDeviceOrdering } from './resources/dns-record-ordering.js';
import { MAAS_DATA_SOURCE_PLANNING, MAAS_PLANNING } from './resource-planning.js';

/** The HTTP client and the operations of each resource type, loaded by configure (see provider-runtime.ts). */
type Runtime = typeof import('./provider-runtime.js');

export interface MaasProviderOptions {
  /** Test hook: backoff of retries (default 500 ms). */
  retryDelayMs?: number;
  /** Test hook: how the client waits (backoff and MAAS's Retry-After), e.g. recorded instead of slept. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class MaasProvider implements Provider {
  readonly type = 'maas';
  private session: MaasSession | undefined;
  private rt: Runtime | undefined;
  private readonly router = new ResourceRouter<MaasSession>({
    provider: 'maas',
    schema: () => this.getSchema(),
    planning: MAAS_PLANNING,
    operations: () => this.runtime().MAAS_OPERATIONS,
    dataSources: () => this.runtime().MAAS_DATA_SOURCES,
    dataSourcePlanning: MAAS_DATA_SOURCE_PLANNING,
  });

  constructor(private readonly options: MaasProviderOptions = {}) {}

  getSchema(): ProviderSchema {
    return maasProviderSchema();
  }

  async configure(req: ConfigureRequest): Promise<void> {
    const parsed = parseProviderConfig(req.config);
    if ('problems' in parsed) {
      throw new ProviderError(`maas provider: ${parsed.problems.map((p) => p.message).join('; ')}`);
    }
    for (const w of parsed.warnings) req.warn?.(w);
    await this.close();
    this.rt ??= await import('./provider-runtime.js');
    this.session = await this.rt.openMaasSession(parsed.settings, req, this.options);
    const emulator = this.session.emulator;
    if (emulator) req.progress?.(`maas: embedded emulator at ${emulator.url} (world ${join(req.workDir, 'maas-world.json')})`);
  }

  /** The emulator this instance started (emulated: true), for tests and tooling. */
  get emulator(): MaasEmulator | undefined {
    return this.session?.emulator;
  }

  private runtime(): Runtime {
    if (!this.rt) throw new Error('the maas provider is used before configure()');
    return this.rt;
  }

  private connected(): MaasSession {
    if (!this.session) throw new ProviderError('maas provider used before configure()');
    return this.session;
  }

  validateResource(req: ValidateResourceRequest): AttributeProblem[] {
    return this.router.validate(req);
  }

  planResource(req: PlanResourceRequest): PlanResourceResponse {
    return this.router.plan(req);
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    return this.router.read(this.connected(), req);
  }

  async readData(req: ReadDataRequest): Promise<ReadResponse> {
    return this.router.readData(this.connected(), req);
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    return this.router.create(this.connected(), req);
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    return this.router.update(this.connected(), req);
  }

  async delete(req: DeleteRequest): Promise<void> {
    return this.router.delete(this.connected(), req);
  }

  async recover(req: RecoverRequest): Promise<CreateResponse | null> {
    return this.router.recover(this.connected(), req);
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    return this.router.importResource(this.connected(), req);
  }

  /** A DNS record on a device's literal static IP comes after the device (resources/dns-record-ordering.ts). */
  implicitDependencies(req: ImplicitDependenciesRequest): ImplicitDependency[] {
    return dnsRecordDeviceOrdering(req.resources);
  }

  /** Live plan-time checks: DHCP-less VLANs, reserved IPs (3.6+), tagged nodes (resources/live-plan-check.ts). */
  async checkPlan(req: CheckPlanRequest): Promise<CheckPlanResponse> {
    const session = this.connected();
    return { problems: await this.runtime().checkMaasPlan(this.runtime().operationContext(session, req), req.changes, req) };
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (!s) return;
    await s.dispatcher.close().catch(() => undefined);
    await s.emulator?.close();
  }
}
