/**
 * The `maas` provider block, checked and turned into settings (pure: no file or network access).
 *
 * Transport rules:
 * - https verifies the server against the system CAs, or `ca_file`, or a `tls_fingerprint`
 *   pin (SHA-256 of the leaf certificate), or nothing with `insecure: true` (explicit opt-in);
 * - plain http is allowed to loopback hosts only, unless `allow_http: true`: MAAS listens on
 *   http :5240 by default, but the PLAINTEXT OAuth signature carries the token secret, so
 *   sending it over a network in clear text must be a decision written in the config (the rule
 *   every provider shares: src/provider/transport-policy.ts; both opt-ins are warned about);
 * - `emulated: true` starts the embedded MAAS emulator on loopback instead (no url/api_key).
 */
import { isValueMap, type Attributes, type Value } from '../../src/core/value.js';
import { checkTransport } from '../../src/provider/transport-policy.js';
import { isUnknownValue } from './unknown-value.js';
import { parseApiKey, isCredentials, type MaasCredentials } from './client/api-key.js';
import { normalizeFingerprint } from './client/tls-dispatcher.js';
import type { MaasVersion } from './emulator/maas-profile.js';

export interface RemoteMaasSettings {
  mode: 'remote';
  /** Normalized MAAS URL (e.g. `https://maas.maas:5443/MAAS`), without the `api/2.0` part. */
  url: string;
  credentials: MaasCredentials;
  caFile?: string;
  tlsFingerprint?: string;
  insecure: boolean;
  timeoutMs: number;
  maxRetries: number;
}

export interface EmulatedMaasSettings {
  mode: 'emulated';
  timeoutMs: number;
  maxRetries: number;
  /** The MAAS release the embedded emulator plays (`maas_version`). */
  maasVersion: MaasVersion;
}

export type MaasSettings = RemoteMaasSettings | EmulatedMaasSettings;

export interface ProviderConfigProblem {
  attribute: string;
  message: string;
}

/** The MAAS releases `maas_version` may name (the emulator's profiles), and the default. */
export const EMULATED_MAAS_VERSIONS: readonly MaasVersion[] = ['3.5', '3.6', '3.7'];
export const DEFAULT_EMULATED_MAAS_VERSION: MaasVersion = '3.5';

/**
 * `maas_version` of an emulated block, as a string or as the number YAML reads from `3.7`
 * written unquoted.
 */
function emulatedVersion(config: Attributes, problems: ProviderConfigProblem[]): MaasVersion {
  const v = config.maas_version;
  if (v === undefined || v === null) return DEFAULT_EMULATED_MAAS_VERSION;
  const text = typeof v === 'number' ? v.toFixed(1) : v;
  const found = EMULATED_MAAS_VERSIONS.find((x) => x === text);
  if (found) return found;
  problems.push({
    attribute: 'maas_version',
    message: `maas_version must be one of ${EMULATED_MAAS_VERSIONS.map((x) => `"${x}"`).join(', ')}, got ${JSON.stringify(v)}`,
  });
  return DEFAULT_EMULATED_MAAS_VERSION;
}

const KNOWN = new Set([
  'maas_version',
  'url',
  'api_key',
  'ca_file',
  'tls_fingerprint',
  'insecure',
  'allow_http',
  'emulated',
  'timeout_seconds',
  'max_retries',
]);

/** `http://maas:5240` → `http://maas:5240/MAAS`; strips a trailing `/api/2.0`. */
export function normalizeMaasUrl(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  let path = u.pathname.replace(/\/+$/, '').replace(/\/api\/2\.0$/, '');
  if (path === '') path = '/MAAS';
  return `${u.protocol}//${u.host}${path}`;
}

function optBool(config: Attributes, key: string, problems: ProviderConfigProblem[]): boolean {
  const v = config[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') {
    problems.push({ attribute: key, message: `${key} must be true or false` });
    return false;
  }
  return v;
}

function optString(config: Attributes, key: string, problems: ProviderConfigProblem[]): string | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    problems.push({ attribute: key, message: `${key} must be a non-empty string` });
    return undefined;
  }
  return v;
}

function optNumber(config: Attributes, key: string, range: [number, number], fallback: number, problems: ProviderConfigProblem[]): number {
  const v: Value | undefined = config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < range[0] || v > range[1]) {
    problems.push({ attribute: key, message: `${key} must be a number from ${range[0]} to ${range[1]}` });
    return fallback;
  }
  return v;
}

/**
 * Checks the provider block. Unknown values (not known until apply) are not judged; a
 * config containing them yields problems only for what is known.
 */
export function checkProviderConfig(config: Attributes): ProviderConfigProblem[] {
  const r = parseProviderConfig(config);
  return 'problems' in r ? r.problems : [];
}

export function parseProviderConfig(
  config: Attributes,
): { settings: MaasSettings; warnings: string[] } | { problems: ProviderConfigProblem[] } {
  const problems: ProviderConfigProblem[] = [];
  if (!isValueMap(config)) return { problems: [{ attribute: '', message: 'the provider block must be a map' }] };
  for (const key of Object.keys(config)) {
    if (!KNOWN.has(key)) problems.push({ attribute: key, message: `unknown attribute ${key} of the maas provider` });
  }
  if (Object.values(config).some((v) => isUnknownValue(v))) {
    return { problems: [...problems, { attribute: '', message: 'the maas provider block has values not known until apply' }] };
  }
  const timeoutMs = optNumber(config, 'timeout_seconds', [1, 600], 30, problems) * 1000;
  const maxRetries = Math.floor(optNumber(config, 'max_retries', [0, 10], 3, problems));
  const emulated = optBool(config, 'emulated', problems);
  const insecure = optBool(config, 'insecure', problems);
  const allowHttp = optBool(config, 'allow_http', problems);
  const url = optString(config, 'url', problems);
  const apiKey = optString(config, 'api_key', problems);
  const caFile = optString(config, 'ca_file', problems);
  const fingerprint = optString(config, 'tls_fingerprint', problems);

  if (emulated) {
    for (const key of ['url', 'api_key', 'ca_file', 'tls_fingerprint', 'insecure', 'allow_http']) {
      if (config[key] !== undefined && config[key] !== null) {
        problems.push({
          attribute: key,
          message: `${key} cannot be set with emulated: true (the embedded emulator chooses its own address and key)`,
        });
      }
    }
    const maasVersion = emulatedVersion(config, problems);
    return problems.length ? { problems } : { settings: { mode: 'emulated', timeoutMs, maxRetries, maasVersion }, warnings: [] };
  }
  if (config.maas_version !== undefined && config.maas_version !== null) {
    problems.push({
      attribute: 'maas_version',
      message:
        'maas_version applies only with emulated: true (the release the embedded emulator plays); a real region runs the version it runs',
    });
  }

  const warnings: string[] = [];
  let normalizedUrl: string | undefined;
  if (url === undefined) {
    if (config.url === undefined || config.url === null) {
      problems.push({ attribute: 'url', message: 'url is required (e.g. http://maas.maas:5240/MAAS), or set emulated: true' });
    }
  } else {
    normalizedUrl = normalizeMaasUrl(url);
    if (normalizedUrl === undefined) {
      problems.push({ attribute: 'url', message: `url must be an http(s) URL such as https://maas.example:5443/MAAS, got "${url}"` });
    }
  }
  let credentials: MaasCredentials | undefined;
  if (apiKey === undefined) {
    if (config.api_key === undefined || config.api_key === null) {
      problems.push({ attribute: 'api_key', message: 'api_key is required (the output of `maas apikey --username <user>`)' });
    }
  } else {
    const parsed = parseApiKey(apiKey);
    if (isCredentials(parsed)) credentials = parsed;
    else problems.push({ attribute: 'api_key', message: parsed.problem });
  }
  if (fingerprint !== undefined && normalizeFingerprint(fingerprint) === undefined) {
    problems.push({
      attribute: 'tls_fingerprint',
      message: 'tls_fingerprint must be the SHA-256 fingerprint of the server certificate: 64 hex digits, colons allowed',
    });
  }
  if (insecure && (fingerprint !== undefined || caFile !== undefined)) {
    problems.push({
      attribute: 'insecure',
      message: 'insecure: true turns verification off; it cannot be combined with ca_file or tls_fingerprint',
    });
  }
  if (normalizedUrl !== undefined) {
    const u = new URL(normalizedUrl);
    if (u.protocol === 'http:') {
      for (const key of ['ca_file', 'tls_fingerprint', 'insecure'] as const) {
        if (config[key] !== undefined && config[key] !== null && config[key] !== false) {
          problems.push({ attribute: key, message: `${key} applies to https only, but url uses http` });
        }
      }
    }
    const transport = checkTransport({
      provider: 'maas',
      attribute: 'url',
      url: u,
      allowHttp,
      insecure,
      credentials: 'the OAuth PLAINTEXT signature (your token secret)',
    });
    problems.push(...transport.problems.map((p) => ({ ...p, message: `${p.message} (MAAS serves https on :5443 once configured)` })));
    warnings.push(...transport.warnings);
  }
  if (problems.length || normalizedUrl === undefined || credentials === undefined) {
    return { problems: problems.length ? problems : [{ attribute: '', message: 'incomplete maas provider block' }] };
  }
  return {
    settings: {
      mode: 'remote',
      url: normalizedUrl,
      credentials,
      ...(caFile !== undefined ? { caFile } : {}),
      ...(fingerprint !== undefined ? { tlsFingerprint: fingerprint } : {}),
      insecure,
      timeoutMs,
      maxRetries,
    },
    warnings,
  };
}
