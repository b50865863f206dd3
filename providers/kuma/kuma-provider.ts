/**
 * The Uptime Kuma provider: one instance per provider block (`kuma`, `kuma.pve`,
 * `kuma.fun-bedbug`, ...), each with its own session to its own server. With `emulated: true`
 * it starts the embedded emulator on an ephemeral loopback port, its world kept in the
 * instance's work directory, set up with the configured user on first start.
 */
import { join } from 'node:path';
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
  type ProviderFactory,
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
import type { KumaSession } from './connection/kuma-session.js';
import { kumaJsonSchemas } from './kuma-json-schemas.js';
import { emulatorVersionFor, parseKumaProviderConfig, readCaFile } from './provider-config.js';
import type { KumaResource } from './resources/kuma-resource.js';
import { MonitorResource } from './resources/monitor/monitor-resource.js';
import { NotificationResource } from './resources/notification/notification-resource.js';
import { TagResource } from './resources/tag/tag-resource.js';

/** The file the embedded emulator keeps its world in, inside the instance's work directory. */
export const EMULATED_WORLD_FILE = 'kuma-world.json';

function resourceTypes(): Map<string, KumaResource> {
  const list: KumaResource[] = [new MonitorResource(), new TagResource(), new NotificationResource()];
  return new Map(list.map((r) => [r.type, r]));
}

export class KumaProvider implements Provider {
  readonly type = 'kuma';
  private readonly resources = resourceTypes();
  private session: KumaSession | undefined;
  private emulator: { url: string; close(): Promise<void> } | undefined;

  getSchema(): ProviderSchema {
    return {
      providerJsonSchema: kumaJsonSchemas.provider,
      providerSensitive: ['password', 'token'],
      resources: Object.fromEntries([...this.resources].map(([type, r]) => [type, r.schema])),
      dataSources: {},
    };
  }

  async configure(req: ConfigureRequest): Promise<void> {
    const config = parseKumaProviderConfig(req.config);
    for (const w of config.warnings) req.warn?.(w);
    await this.close();
    let url = config.url;
    if (config.emulated) {
      const { startKumaEmulator } = await import('./emulator/index.js').catch((e: unknown) => {
        throw new ProviderError(`kuma provider: emulated: true needs the socket.io package, which is not installed (${(e as Error).message})`);
      });
      this.emulator = await startKumaEmulator({
        worldFile: join(req.workDir, EMULATED_WORLD_FILE),
        version: emulatorVersionFor(config.version),
        users: [{ username: config.username, password: config.password }],
      });
      url = this.emulator.url;
      req.progress?.(`started the Uptime Kuma emulator at ${url}`);
    }
    // the connection's code is loaded here: hl validate and pure planning never need it
    const [{ KumaSession }, { tlsClientOptions }, { fileTokenStore }] = await Promise.all([
      import('./connection/kuma-session.js'),
      import('./connection/tls-options.js'),
      import('./connection/token-cache.js'),
    ]);
    const tls = tlsClientOptions({
      ...(config.caFile ? { ca: await readCaFile(config.caFile, req.configDir) } : {}),
      ...(config.tlsFingerprint ? { fingerprint: config.tlsFingerprint } : {}),
    });
    this.session = new KumaSession({
      url: url!,
      username: config.username,
      password: config.password,
      ...(config.token ? { token: config.token } : {}),
      timeoutMs: config.timeoutMs,
      tls,
      // the JWT is kept beside the state for the next runs (an emulator's port changes each run)
      tokens: fileTokenStore(req.workDir, config.emulated ? 'emulated' : url!, config.username),
    });
  }

  /** The URL this instance talks to (the emulator's when emulated). */
  get url(): string | undefined {
    return this.session?.url;
  }

  validateResource(req: ValidateResourceRequest): AttributeProblem[] {
    return this.resource(req.type).validate(req.config, req.providerConfig);
  }

  planResource(req: PlanResourceRequest): PlanResourceResponse {
    return this.resource(req.type).plan(req);
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    return { state: await this.resource(req.type).read(this.connected(), req.id, req.prior) };
  }

  async reserve(req: ReserveRequest): Promise<ReserveResponse> {
    return { identity: this.resource(req.type).identity(req.planned) };
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    return this.resource(req.type).create(this.connected(), req.planned);
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    return { state: await this.resource(req.type).update(this.connected(), req.id, req.prior, req.planned) };
  }

  async delete(req: DeleteRequest): Promise<void> {
    await this.resource(req.type).delete(this.connected(), req.id);
  }

  async recover(req: RecoverRequest): Promise<CreateResponse | null> {
    return this.resource(req.type).recover(this.connected(), req.identity, req.planned);
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    return { resource: await this.resource(req.type).importResource(this.connected(), req.id) };
  }

  async close(): Promise<void> {
    const session = this.session;
    const emulator = this.emulator;
    this.session = undefined;
    this.emulator = undefined;
    await session?.close();
    await emulator?.close();
  }

  private resource(type: string): KumaResource {
    const r = this.resources.get(type);
    if (!r) throw new ProviderError(`the kuma provider has no resource type ${type} (it has ${[...this.resources.keys()].join(', ')})`);
    return r;
  }

  private connected(): KumaSession {
    if (!this.session) throw new ProviderError('the kuma provider was used before it was configured');
    return this.session;
  }
}

export const kumaProviderFactory: ProviderFactory = {
  type: 'kuma',
  create: () => new KumaProvider(),
};

