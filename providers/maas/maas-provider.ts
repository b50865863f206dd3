/**
 * The `maas` provider: one instance per provider block (so several MAAS regions are several
 * instances, each with its own client, TLS trust and, when emulated, its own emulator).
 *
 * Resources: `maas_device`, `maas_dns_record`, `maas_dns_domain`, `maas_tag`,
 * `maas_reserved_ip` (MAAS 3.6+); data source: `maas_subnet`.
 * Plan-time checks (`validateResource`, pure), live plan checks (`checkPlan`, reads only:
 * resources/live-plan-check.ts) and live checks in create/update before any write are
 * described in resources/device-validation.ts and resources/device-live-checks.ts.
 */
import { join, isAbsolute, resolve } from 'node:path';
import type { Dispatcher } from 'undici';
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
import type { Attributes } from '../../src/core/value.js';
import type { MaasApi } from './client/maas-api.js';
import type { MaasEmulator } from './emulator/maas-emulator.js';
import { parseProviderConfig } from './provider-config.js';
import { maasProviderSchema } from './provider-schema.js';
import { planDevice } from './resources/device-plan.js';
import { validateDeviceConfig } from './resources/device-validation.js';
import { planDnsRecord, validateDnsRecordConfig } from './resources/dns-record-config.js';
import { dnsRecordDeviceOrdering } from './resources/dns-record-ordering.js';
import type { OperationContext } from './resources/operation-context.js';
import { validateSubnetDataSourceConfig } from './resources/subnet-data-source.js';
import { planDnsDomain, validateDnsDomainConfig } from './resources/dns-domain-config.js';
import { planReservedIp, validateReservedIpConfig } from './resources/reserved-ip-config.js';
import { planTag, validateTagConfig } from './resources/tag-config.js';

/** The HTTP client and the CRUD operations, loaded by configure (see provider-runtime.ts). */
type Runtime = typeof import('./provider-runtime.js');

interface Session {
  api: MaasApi;
  dispatcher: Dispatcher;
  emulator?: MaasEmulator;
}

export interface MaasProviderOptions {
  /** Test hook: backoff of retries (default 500 ms). */
  retryDelayMs?: number;
  /** Test hook: how the client waits (backoff and MAAS's Retry-After), e.g. recorded instead of slept. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class MaasProvider implements Provider {
  readonly type = 'maas';
  private session: Session | undefined;
  private rt: Runtime | undefined;

  private runtime(): Runtime {
    if (!this.rt) throw new Error('the maas provider is used before configure()');
    return this.rt;
  }

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
    const s = parsed.settings;
    if (s.mode === 'emulated') {
      // the emulator's code is loaded only when a config asks for it
      const { startMaasEmulator } = await import('./emulator/maas-emulator.js');
      const emulator = await startMaasEmulator({ worldFile: join(req.workDir, 'maas-world.json'), maasVersion: s.maasVersion });
      const credentials = this.runtime().parseApiKey(emulator.apiKey);
      if (!this.runtime().isCredentials(credentials)) throw new Error('emulator produced an invalid API key');
      const dispatcher = this.runtime().createMaasDispatcher({});
      const http = new (this.runtime().MaasHttpClient)({
        url: emulator.url,
        credentials,
        dispatcher,
        timeoutMs: s.timeoutMs,
        maxRetries: s.maxRetries,
        ...(this.options.retryDelayMs !== undefined ? { retryDelayMs: this.options.retryDelayMs } : {}),
        ...(this.options.sleep !== undefined ? { sleep: this.options.sleep } : {}),
      });
      this.session = { api: new (this.runtime().MaasApi)(http), dispatcher, emulator };
      req.progress?.(`maas: embedded emulator at ${emulator.url} (world ${join(req.workDir, 'maas-world.json')})`);
      return;
    }
    let ca: string | undefined;
    if (s.caFile !== undefined) {
      const path = isAbsolute(s.caFile) ? s.caFile : resolve(req.configDir, s.caFile);
      try {
        ca = this.runtime().readCaFile(path);
      } catch (err) {
        throw new ProviderError(`maas provider: cannot read ca_file ${path}: ${(err as Error).message}`);
      }
    }
    if (s.insecure) req.progress?.(`maas: TLS verification is OFF for ${s.url} (insecure: true)`);
    const dispatcher = this.runtime().createMaasDispatcher({
      ...(ca !== undefined ? { ca } : {}),
      ...(s.tlsFingerprint !== undefined ? { fingerprint: s.tlsFingerprint } : {}),
      insecure: s.insecure,
      connectTimeoutMs: Math.min(s.timeoutMs, 10_000),
    });
    const http = new (this.runtime().MaasHttpClient)({
      url: s.url,
      credentials: s.credentials,
      dispatcher,
      timeoutMs: s.timeoutMs,
      maxRetries: s.maxRetries,
      ...(this.options.retryDelayMs !== undefined ? { retryDelayMs: this.options.retryDelayMs } : {}),
      ...(this.options.sleep !== undefined ? { sleep: this.options.sleep } : {}),
    });
    this.session = { api: new (this.runtime().MaasApi)(http), dispatcher };
  }

  /** The emulator this instance started (emulated: true), for tests and tooling. */
  get emulator(): MaasEmulator | undefined {
    return this.session?.emulator;
  }

  validateResource(req: ValidateResourceRequest): AttributeProblem[] {
    switch (req.type) {
      case 'maas_device':
        return validateDeviceConfig(req.config);
      case 'maas_dns_record':
        return validateDnsRecordConfig(req.config);
      case 'maas_subnet':
        return validateSubnetDataSourceConfig(req.config);
      case 'maas_dns_domain':
        return validateDnsDomainConfig(req.config);
      case 'maas_tag':
        return validateTagConfig(req.config);
      case 'maas_reserved_ip':
        return validateReservedIpConfig(req.config);
      default:
        return [{ path: [], message: `the maas provider has no resource type ${req.type}`, severity: 'error' }];
    }
  }

  planResource(req: PlanResourceRequest): PlanResourceResponse {
    switch (req.type) {
      case 'maas_device':
        return planDevice(req.prior, req.config);
      case 'maas_dns_record':
        return planDnsRecord(req.prior, req.config);
      case 'maas_dns_domain':
        return planDnsDomain(req.prior, req.config);
      case 'maas_tag':
        return planTag(req.prior, req.config);
      case 'maas_reserved_ip':
        return planReservedIp(req.prior, req.config);
      default:
        return { planned: { ...(req.prior ?? {}), ...req.config }, requiresReplace: [], notes: [], problems: [] };
    }
  }

  /** A DNS record on a device's literal static IP comes after the device (resources/dns-record-ordering.ts). */
  implicitDependencies(req: ImplicitDependenciesRequest): ImplicitDependency[] {
    return dnsRecordDeviceOrdering(req.resources);
  }

  private ctx(op: { signal?: AbortSignal; progress?: (m: string) => void }): OperationContext {
    if (!this.session) throw new ProviderError('maas provider used before configure()');
    return {
      api: this.session.api,
      ...(op.signal ? { signal: op.signal } : {}),
      ...(op.progress ? { progress: op.progress } : {}),
    };
  }

  private unknownType(type: string): never {
    throw new ProviderError(`the maas provider has no resource type ${type}`);
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    const ctx = this.ctx(req);
    if (req.type === 'maas_device') return { state: await this.runtime().readDevice(ctx, req.id, req.prior) };
    if (req.type === 'maas_dns_record') return { state: await this.runtime().readDnsRecord(ctx, req.id, req.prior) };
    if (req.type === 'maas_dns_domain') return { state: await this.runtime().readDnsDomain(ctx, req.id) };
    if (req.type === 'maas_tag') return { state: await this.runtime().readTag(ctx, req.id, req.prior) };
    if (req.type === 'maas_reserved_ip') return { state: await this.runtime().readReservedIp(ctx, req.id, req.prior) };
    return this.unknownType(req.type);
  }

  async readData(req: ReadDataRequest): Promise<ReadResponse> {
    if (req.type !== 'maas_subnet') return this.unknownType(req.type);
    return { state: await this.runtime().readSubnetDataSource(this.ctx(req).api, req.config, req.signal) };
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    const ctx = this.ctx(req);
    if (req.type === 'maas_device') return this.runtime().createDevice(ctx, req.planned);
    if (req.type === 'maas_dns_record') return this.runtime().createDnsRecord(ctx, req.planned);
    if (req.type === 'maas_dns_domain') return this.runtime().createDnsDomain(ctx, req.planned);
    if (req.type === 'maas_tag') return this.runtime().createTag(ctx, req.planned);
    if (req.type === 'maas_reserved_ip') return this.runtime().createReservedIpResource(ctx, req.planned);
    return this.unknownType(req.type);
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    const ctx = this.ctx(req);
    if (req.type === 'maas_device') return { state: await this.runtime().updateDevice(ctx, req.id, req.prior, req.planned) };
    if (req.type === 'maas_dns_record') return { state: await this.runtime().updateDnsRecord(ctx, req.planned) };
    if (req.type === 'maas_dns_domain') return { state: await this.runtime().updateDnsDomain(ctx, req.id, req.planned) };
    if (req.type === 'maas_tag') return { state: await this.runtime().updateTag(ctx, req.id, req.prior, req.planned) };
    if (req.type === 'maas_reserved_ip') return { state: await this.runtime().updateReservedIpResource(ctx, req.id, req.planned) };
    return this.unknownType(req.type);
  }

  async delete(req: DeleteRequest): Promise<void> {
    const ctx = this.ctx(req);
    if (req.type === 'maas_device') return this.runtime().deleteDevice(ctx, req.id);
    if (req.type === 'maas_dns_record') return this.runtime().deleteDnsRecord(ctx, req.id, req.prior);
    if (req.type === 'maas_dns_domain') return this.runtime().deleteDnsDomain(ctx, req.id);
    if (req.type === 'maas_tag') return this.runtime().deleteTag(ctx, req.id);
    if (req.type === 'maas_reserved_ip') return this.runtime().deleteReservedIpResource(ctx, req.id);
    return this.unknownType(req.type);
  }

  async recover(req: RecoverRequest): Promise<CreateResponse | null> {
    const ctx = this.ctx(req);
    if (req.type === 'maas_device') return this.runtime().recoverDevice(ctx, req.planned);
    if (req.type === 'maas_dns_record') return this.runtime().recoverDnsRecord(ctx, req.planned);
    if (req.type === 'maas_dns_domain') return this.runtime().recoverDnsDomain(ctx, req.planned);
    if (req.type === 'maas_tag') return this.runtime().recoverTag(ctx, req.planned);
    if (req.type === 'maas_reserved_ip') return this.runtime().recoverReservedIp(ctx, req.planned);
    return this.unknownType(req.type);
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    const ctx = this.ctx(req);
    let found: { id: string; state: Attributes } | null;
    if (req.type === 'maas_device') found = await this.runtime().importDevice(ctx, req.id);
    else if (req.type === 'maas_dns_record') found = await this.runtime().importDnsRecord(ctx, req.id);
    else if (req.type === 'maas_dns_domain') found = await this.runtime().importDnsDomain(ctx, req.id);
    else if (req.type === 'maas_tag') found = await this.runtime().importTag(ctx, req.id);
    else if (req.type === 'maas_reserved_ip') found = await this.runtime().importReservedIp(ctx, req.id);
    else return this.unknownType(req.type);
    return { resource: found };
  }

  /** Live plan-time checks: DHCP-less VLANs, reserved IPs (3.6+), tagged nodes (resources/live-plan-check.ts). */
  async checkPlan(req: CheckPlanRequest): Promise<CheckPlanResponse> {
    return { problems: await this.runtime().checkMaasPlan(this.ctx(req), req.changes, req) };
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (!s) return;
    await s.dispatcher.close().catch(() => undefined);
    await s.emulator?.close();
  }
}
