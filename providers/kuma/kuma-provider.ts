/**
 * The Uptime Kuma provider: one instance per provider block (`kuma`, `kuma.pve`,
 * `kuma.fun-bedbug`, ...), each with its own session to its own server. With `emulated: true`
 * it starts the embedded emulator on an ephemeral loopback port, its world kept in the
 * instance's work directory, set up with the configured user on first start.
 * resource-handlers.ts is its handler table, one entry per resource type, behind the
 * ResourceRouter. Its heartbeat hook pushes to a push monitor (hl watch --heartbeat) over
 * HTTP, with the same TLS trust as the session.
 */
import { join } from 'node:path';
import {
  ProviderError,
  type AttributeProblem,
  type ConfigureRequest,
  type CreateRequest,
  type CreateResponse,
  type DeleteRequest,
  type HeartbeatHook,
  type HeartbeatRequest,
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
import { ResourceRouter } from '../../src/provider/resource-router.js';
import type { KumaSession } from './connection/kuma-session.js';
import type { PushTarget } from './connection/push-request.js';
import { kumaJsonSchemas } from './kuma-json-schemas.js';
import { emulatorVersionFor, parseKumaProviderConfig, readCaFile } from './provider-config.js';
import { type KumaConnected, kumaHandlers, kumaResources } from './resource-handlers.js';
import { checkHeartbeatTarget } from './resources/monitor/monitor-heartbeat.js';

/** The file the embedded emulator keeps its world in, inside the instance's work directory. */
export const EMULATED_WORLD_FILE = 'kuma-world.json';

export class KumaProvider implements Provider {
  readonly type = 'kuma';
  private readonly resources = kumaResources();
  private session: KumaSession | undefined;
  private emulator: { url: string; close(): Promise<void> } | undefined;
  /** Where pushes go and with which trust (the token comes with each heartbeat). */
  private push: Omit<PushTarget, 'token'> | undefined;
  private readonly router: ResourceRouter<KumaConnected>;

  constructor() {
    const handlers = kumaHandlers(this.resources);
    this.router = new ResourceRouter<KumaConnected>({
      provider: 'kuma',
      schema: () => this.getSchema(),
      planning: handlers,
      operations: () => handlers,
    });
  }

  getSchema(): ProviderSchema {
    return {
      providerJsonSchema: kumaJsonSchemas.provider,
      providerSensitive: ['password', 'token'],
      resources: Object.fromEntries(this.resources.map((r) => [r.type, r.schema])),
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
        throw new ProviderError(
          `kuma provider: emulated: true needs the socket.io package, which is not installed (${(e as Error).message})`,
        );
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
    const ca = config.caFile ? await readCaFile(config.caFile, req.configDir) : undefined;
    const tls = tlsClientOptions({
      ...(ca !== undefined ? { ca } : {}),
      ...(config.tlsFingerprint ? { fingerprint: config.tlsFingerprint } : {}),
    });
    this.push = {
      url: url!,
      timeoutMs: config.timeoutMs,
      ...(ca !== undefined ? { ca } : {}),
      ...(config.tlsFingerprint ? { fingerprint: config.tlsFingerprint } : {}),
      ...(req.log ? { log: req.log } : {}),
    };
    this.session = new KumaSession({
      url: url!,
      username: config.username,
      password: config.password,
      ...(config.token ? { token: config.token } : {}),
      timeoutMs: config.timeoutMs,
      tls,
      // the JWT is kept beside the state for the next runs (an emulator's port changes each run)
      tokens: fileTokenStore(req.workDir, config.emulated ? 'emulated' : url!, config.username),
      ...(req.log ? { log: req.log } : {}),
    });
  }

  /** The URL this instance talks to (the emulator's when emulated). */
  get url(): string | undefined {
    return this.session?.url;
  }

  /** The session, for the handlers: asked for when an operation talks to the server. */
  private readonly connected: KumaConnected = () => {
    if (!this.session) throw new ProviderError('the kuma provider was used before it was configured');
    return this.session;
  };

  validateResource(req: ValidateResourceRequest): AttributeProblem[] {
    return this.router.validate(req);
  }

  planResource(req: PlanResourceRequest): PlanResourceResponse {
    return this.router.plan(req);
  }

  async read(req: ReadRequest): Promise<ReadResponse> {
    return this.router.read(this.connected, req);
  }

  async reserve(req: ReserveRequest): Promise<ReserveResponse> {
    return this.router.reserve(this.connected, req);
  }

  async create(req: CreateRequest): Promise<CreateResponse> {
    return this.router.create(this.connected, req);
  }

  async update(req: UpdateRequest): Promise<UpdateResponse> {
    return this.router.update(this.connected, req);
  }

  async delete(req: DeleteRequest): Promise<void> {
    return this.router.delete(this.connected, req);
  }

  async recover(req: RecoverRequest): Promise<CreateResponse | null> {
    return this.router.recover(this.connected, req);
  }

  async importResource(req: ImportRequest): Promise<ImportResponse> {
    return this.router.importResource(this.connected, req);
  }

  readonly heartbeat: HeartbeatHook = {
    check: (req) => checkHeartbeatTarget(req),
    send: (req) => this.sendHeartbeat(req),
  };

  private async sendHeartbeat(req: HeartbeatRequest): Promise<void> {
    const refused = checkHeartbeatTarget({ type: req.type, state: req.state }).find((p) => p.severity !== 'warning');
    if (refused) throw new ProviderError(`kuma: ${req.type} ${req.id}: ${refused.message}`);
    if (!this.push) throw new ProviderError('the kuma provider was used before it was configured');
    const { sendPush } = await import('./connection/push-request.js');
    await sendPush(
      { ...this.push, token: req.state.push_token as string },
      {
        status: req.status,
        msg: req.message,
        ...(req.pingMs !== undefined ? { pingMs: req.pingMs } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      },
    );
  }

  async close(): Promise<void> {
    const session = this.session;
    const emulator = this.emulator;
    this.session = undefined;
    this.emulator = undefined;
    this.push = undefined;
    await session?.close();
    await emulator?.close();
  }
}

export const kumaProviderFactory: ProviderFactory = {
  type: 'kuma',
  create: () => new KumaProvider(),
};
