/**
 * The `proxmox` provider block, checked and turned into settings (pure: no file or network
 * access). See schemas/provider-proxmox.schema.json for the user-facing description. The
 * crucible and coral providers take the same block (their own settings aside) and parse it
 * here, so the three reach a cluster the same way.
 *
 * - Auth: an API token (`token_id` + `token_secret`) or a user and password (ticket auth
 *   through POST /access/ticket). Raw USB/PCI passthrough and LXC devices need `root@pam`
 *   with a password: with a token they are plan-time errors (see validate-guest.ts).
 * - Transport: https verified against the system CAs, or `ca_file`, or a `tls_fingerprint`
 *   pin (SHA-256 of the leaf certificate), or nothing with `insecure: true` (explicit opt-in,
 *   scoped to this client, warned about). Plain http only to a loopback host, or with
 *   `allow_http: true`, warned about (src/provider/transport-policy.ts, shared by every provider).
 * - `emulated: true` starts the embedded emulator instead (no endpoint or credentials);
 *   `pve_version` ("8.4" or "9.1", default "9.1") is the release it plays. It is refused
 *   without `emulated: true`: a real cluster runs the version it runs.
 * - `reboot`: `never` (default) leaves changes a running guest takes only at restart
 *   pending and says so in the plan; `if-needed` shuts the guest down and starts it again
 *   within the apply when a change is left pending.
 */
import { isUnknown, isValueMap, type Attributes, type Value } from '../../src/core/value.js';
import { normalizeFingerprint } from '../shared/tls-agent.js';
import { checkTransport, isLoopbackHost } from '../../src/provider/transport-policy.js';
import { DEFAULT_PVE_VERSION, type PveVersion } from './emulator/pve-profile.js';

export { normalizeFingerprint };

export type RebootPolicy = 'never' | 'if-needed';
export const REBOOT_POLICIES: readonly RebootPolicy[] = ['never', 'if-needed'];

/** The operations that wait on a task, each with its own timeout. */
export type TaskOperation = 'create' | 'clone' | 'update' | 'resize' | 'start' | 'shutdown' | 'stop' | 'delete';
export const TASK_OPERATIONS: readonly TaskOperation[] = ['create', 'clone', 'update', 'resize', 'start', 'shutdown', 'stop', 'delete'];

/** Default seconds per operation (a full clone of a big disk takes long; a start does not). */
export const DEFAULT_TIMEOUTS: Readonly<Record<TaskOperation, number>> = {
  create: 600,
  clone: 1800,
  update: 300,
  resize: 300,
  start: 180,
  shutdown: 300,
  stop: 120,
  delete: 600,
};

export type ProxmoxAuth =
  | { kind: 'token'; tokenId: string; tokenSecret: string }
  | { kind: 'password'; username: string; password: string };

export interface RemoteProxmoxSettings {
  mode: 'remote';
  protocol: 'https' | 'http';
  /** Host name or address (IPv6 in brackets). */
  host: string;
  port: number;
  auth: ProxmoxAuth;
  /** Path of the CA bundle, resolved against the config directory. */
  caFile?: string;
  /** 64 lowercase hex digits. */
  tlsFingerprint?: string;
  insecure: boolean;
}

/** The PVE releases `pve_version` may name (each one of the emulator's profiles). */
export const EMULATED_PVE_VERSIONS: readonly PveVersion[] = ['8.4', '9.1'];
/** What `pve_version` is when left out: the emulator's default, the newest release. */
export const DEFAULT_EMULATED_PVE_VERSION: PveVersion = DEFAULT_PVE_VERSION;

export interface EmulatedProxmoxSettings {
  mode: 'emulated';
  /** The release the embedded emulator plays. */
  pveVersion: PveVersion;
}

export interface CommonProxmoxSettings {
  reboot: RebootPolicy;
  /** Seconds per task-waiting operation. */
  timeouts: Record<TaskOperation, number>;
  /** How many guest configs are read at once during a refresh. */
  readConcurrency: number;
}

export type ProxmoxSettings = (RemoteProxmoxSettings | EmulatedProxmoxSettings) & CommonProxmoxSettings;

export interface ProviderConfigProblem {
  attribute: string;
  message: string;
}

const KNOWN = new Set([
  'endpoint',
  'token_id',
  'token_secret',
  'username',
  'password',
  'ca_file',
  'tls_fingerprint',
  'insecure',
  'allow_http',
  'reboot',
  'task_timeout',
  'read_concurrency',
  'emulated',
  'pve_version',
]);

/** Attributes of the provider block that are secrets. */
export const PROVIDER_SENSITIVE = ['token_secret', 'password'];

export const TOKEN_ID_RE = /^[^\s@!:]+@[^\s@!:]+![A-Za-z][A-Za-z0-9._-]*$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export { isLoopbackHost };

function set(v: Value | undefined): v is Value {
  return v !== undefined && v !== null && !isUnknown(v);
}

function str(config: Attributes, key: string, problems: ProviderConfigProblem[]): string | undefined {
  const v = config[key];
  if (!set(v)) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    problems.push({ attribute: key, message: `${key} must be a non-empty string` });
    return undefined;
  }
  return v.trim();
}

function bool(config: Attributes, key: string, problems: ProviderConfigProblem[]): boolean {
  const v = config[key];
  if (!set(v)) return false;
  if (typeof v !== 'boolean') {
    problems.push({ attribute: key, message: `${key} must be true or false` });
    return false;
  }
  return v;
}

function seconds(v: Value, where: string, problems: ProviderConfigProblem[]): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 1 || v > 86400) {
    problems.push({ attribute: where, message: `${where} must be a number of seconds between 1 and 86400` });
    return undefined;
  }
  return v;
}

function parseTimeouts(config: Attributes, problems: ProviderConfigProblem[]): Record<TaskOperation, number> {
  const out = { ...DEFAULT_TIMEOUTS };
  const v = config.task_timeout;
  if (!set(v)) return out;
  if (typeof v === 'number') {
    const s = seconds(v, 'task_timeout', problems);
    if (s !== undefined) for (const op of TASK_OPERATIONS) out[op] = s;
    return out;
  }
  if (!isValueMap(v)) {
    problems.push({ attribute: 'task_timeout', message: 'task_timeout must be seconds, or a map of operation → seconds' });
    return out;
  }
  for (const [k, x] of Object.entries(v)) {
    if (!(TASK_OPERATIONS as readonly string[]).includes(k)) {
      problems.push({ attribute: `task_timeout.${k}`, message: `unknown operation "${k}" (known: ${TASK_OPERATIONS.join(', ')})` });
      continue;
    }
    if (!set(x)) continue;
    const s = seconds(x, `task_timeout.${k}`, problems);
    if (s !== undefined) out[k as TaskOperation] = s;
  }
  return out;
}

function parseCommon(config: Attributes, problems: ProviderConfigProblem[]): CommonProxmoxSettings {
  let reboot: RebootPolicy = 'never';
  const r = str(config, 'reboot', problems);
  if (r !== undefined) {
    if ((REBOOT_POLICIES as readonly string[]).includes(r)) reboot = r as RebootPolicy;
    else problems.push({ attribute: 'reboot', message: `reboot must be one of ${REBOOT_POLICIES.map((p) => `"${p}"`).join(', ')}` });
  }
  let readConcurrency = 4;
  const c = config.read_concurrency;
  if (set(c)) {
    if (typeof c === 'number' && Number.isInteger(c) && c >= 1 && c <= 32) readConcurrency = c;
    else problems.push({ attribute: 'read_concurrency', message: 'read_concurrency must be an integer from 1 to 32' });
  }
  return { reboot, timeouts: parseTimeouts(config, problems), readConcurrency };
}

/**
 * `pve_version`, as a string or as the number YAML reads from `8.4` written unquoted;
 * undefined when not set (or not valid: a problem is then recorded).
 */
function pveVersion(config: Attributes, problems: ProviderConfigProblem[]): PveVersion | undefined {
  const v = config.pve_version;
  if (!set(v)) return undefined;
  const text = typeof v === 'number' ? String(v) : v;
  const known = EMULATED_PVE_VERSIONS.find((x) => x === text);
  if (known === undefined) {
    const got = typeof v === 'string' || typeof v === 'number' ? JSON.stringify(v) : 'a value of another type';
    problems.push({
      attribute: 'pve_version',
      message: `pve_version must be one of ${EMULATED_PVE_VERSIONS.map((x) => `"${x}"`).join(', ')}, got ${got}`,
    });
  }
  return known;
}

/** Normalises a user name for ticket auth: `root` → `root@pam`. */
export function normalizeUsername(name: string): string {
  return name.includes('@') ? name : `${name}@pam`;
}

/**
 * Whether the provider block authenticates as `root@pam` with a password, the only identity
 * PVE lets set raw host devices (pure; unknown values count as "not root").
 */
export function authenticatesAsRoot(config: Attributes): boolean {
  if (config.emulated === true) return false;
  if (set(config.token_id)) return false;
  const u = config.username;
  return typeof u === 'string' && normalizeUsername(u.trim()) === 'root@pam' && set(config.password);
}

/** Checks the provider block; settings, or the problems found. */
export function parseProviderConfig(
  config: Attributes,
  resolvePath: (p: string) => string = (p) => p,
): { settings: ProxmoxSettings; warnings: string[] } | { problems: ProviderConfigProblem[] } {
  const problems: ProviderConfigProblem[] = [];
  for (const k of Object.keys(config)) {
    if (!KNOWN.has(k)) problems.push({ attribute: k, message: `unknown setting "${k}" of the proxmox provider` });
  }
  const common = parseCommon(config, problems);
  if (bool(config, 'emulated', problems)) {
    const version = pveVersion(config, problems);
    for (const k of [
      'endpoint',
      'token_id',
      'token_secret',
      'username',
      'password',
      'ca_file',
      'tls_fingerprint',
      'insecure',
      'allow_http',
    ]) {
      if (set(config[k]))
        problems.push({ attribute: k, message: `${k} cannot be set together with emulated: true (the embedded emulator supplies it)` });
    }
    if (problems.length > 0) return { problems };
    return { settings: { mode: 'emulated', pveVersion: version ?? DEFAULT_EMULATED_PVE_VERSION, ...common }, warnings: [] };
  }
  if (set(config.pve_version)) {
    problems.push({
      attribute: 'pve_version',
      message:
        'pve_version applies only with emulated: true (the release the embedded emulator plays); a real cluster runs the version it runs',
    });
  }

  const endpoint = str(config, 'endpoint', problems);
  let url: URL | undefined;
  if (endpoint === undefined) {
    problems.push({ attribute: 'endpoint', message: 'endpoint is required (e.g. https://pve.maas:8006), or set emulated: true' });
  } else {
    try {
      url = new URL(endpoint);
    } catch {
      problems.push({ attribute: 'endpoint', message: `endpoint "${endpoint}" is not a URL (expected e.g. https://pve.maas:8006)` });
    }
    if (url && url.protocol !== 'https:' && url.protocol !== 'http:') {
      problems.push({ attribute: 'endpoint', message: `endpoint must use https (got ${url.protocol})` });
      url = undefined;
    }
    if (url && url.pathname !== '/' && !/^\/api2\/json\/?$/.test(url.pathname)) {
      problems.push({ attribute: 'endpoint', message: `endpoint must not have a path other than /api2/json (got ${url.pathname})` });
    }
  }

  const tokenId = str(config, 'token_id', problems);
  const tokenSecret = str(config, 'token_secret', problems);
  const username = str(config, 'username', problems);
  const password = typeof config.password === 'string' && config.password !== '' ? config.password : undefined;
  if (set(config.password) && password === undefined)
    problems.push({ attribute: 'password', message: 'password must be a non-empty string' });
  let auth: ProxmoxAuth | undefined;
  if (tokenId !== undefined || tokenSecret !== undefined) {
    if (username !== undefined || password !== undefined) {
      problems.push({ attribute: 'token_id', message: 'set either token_id/token_secret or username/password, not both' });
    }
    if (tokenId === undefined) problems.push({ attribute: 'token_id', message: 'token_id is required with token_secret' });
    else if (!TOKEN_ID_RE.test(tokenId))
      problems.push({ attribute: 'token_id', message: `token_id must look like USER@REALM!TOKENID (e.g. hl@pve!hl), got "${tokenId}"` });
    if (tokenSecret === undefined) problems.push({ attribute: 'token_secret', message: 'token_secret is required with token_id' });
    else if (!UUID_RE.test(tokenSecret.toLowerCase()))
      problems.push({ attribute: 'token_secret', message: 'token_secret must be the UUID PVE showed when the token was created' });
    if (tokenId && tokenSecret) auth = { kind: 'token', tokenId, tokenSecret: tokenSecret.toLowerCase() };
  } else if (username !== undefined || password !== undefined) {
    if (username === undefined) problems.push({ attribute: 'username', message: 'username is required with password' });
    if (password === undefined) problems.push({ attribute: 'password', message: 'password is required with username' });
    if (username && password) auth = { kind: 'password', username: normalizeUsername(username), password };
  } else {
    problems.push({ attribute: 'token_id', message: 'credentials are required: token_id and token_secret, or username and password' });
  }

  const caFile = str(config, 'ca_file', problems);
  const fp = str(config, 'tls_fingerprint', problems);
  const tlsFingerprint = fp === undefined ? undefined : normalizeFingerprint(fp);
  if (fp !== undefined && tlsFingerprint === undefined) {
    problems.push({
      attribute: 'tls_fingerprint',
      message: 'tls_fingerprint must be a SHA-256 fingerprint: 64 hex digits, colons allowed (AA:BB:...)',
    });
  }
  const insecure = bool(config, 'insecure', problems);
  if (insecure && (caFile !== undefined || tlsFingerprint !== undefined)) {
    problems.push({
      attribute: 'insecure',
      message: 'insecure: true disables verification; it cannot be combined with ca_file or tls_fingerprint',
    });
  }
  const allowHttp = bool(config, 'allow_http', problems);
  const transport = url
    ? checkTransport({ provider: 'proxmox', attribute: 'endpoint', url, allowHttp, insecure, credentials: 'the API credentials' })
    : { problems: [], warnings: [] };
  problems.push(...transport.problems);
  if (url?.protocol === 'http:' && (caFile !== undefined || tlsFingerprint !== undefined || insecure)) {
    problems.push({ attribute: 'endpoint', message: 'ca_file, tls_fingerprint and insecure only apply to https endpoints' });
  }

  if (problems.length > 0 || !url || !auth) return { problems };
  return {
    settings: {
      mode: 'remote',
      protocol: url.protocol === 'http:' ? 'http' : 'https',
      host: url.hostname,
      port: url.port === '' ? 8006 : Number(url.port),
      auth,
      ...(caFile !== undefined ? { caFile: resolvePath(caFile) } : {}),
      ...(tlsFingerprint !== undefined ? { tlsFingerprint } : {}),
      insecure,
      ...common,
    },
    warnings: transport.warnings,
  };
}
