/**
 * The kuma provider block, checked and turned into typed settings: where Kuma is (or that an
 * embedded emulator is wanted), the credentials, the call timeout and the TLS trust for this
 * connection. Reading `ca_file` is the only I/O and happens in `readCaFile`. Plain http only
 * to loopback or with `allow_http: true` (src/provider/transport-policy.ts, as every provider).
 */
import { isAbsolute, resolve } from 'node:path';
import type { Attributes } from '../../src/core/value.js';
import { ProviderError } from '../../src/provider/contract.js';
import { checkTransport } from '../../src/provider/transport-policy.js';
import { readCaBundle } from '../shared/ca-file.js';
import { normalizeFingerprint } from '../shared/tls-agent.js';
import { parseKumaVersion } from './protocol/kuma-version.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface KumaProviderConfig {
  /** undefined when emulated (the emulator's URL is known once it runs). */
  url: string | undefined;
  username: string;
  password: string;
  token: string | undefined;
  timeoutMs: number;
  caFile: string | undefined;
  tlsFingerprint: string | undefined;
  emulated: boolean;
  /** The version the config states, if any. */
  version: string | undefined;
  /** Warnings about the transport (plain http by opt-in). */
  warnings: string[];
}

function text(config: Attributes, key: string): string | undefined {
  const v = config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ProviderError(`kuma provider: ${key} must be a string`);
  return v;
}

export function parseKumaProviderConfig(config: Attributes): KumaProviderConfig {
  const emulated = config.emulated === true;
  const url = text(config, 'url')?.replace(/\/+$/, '');
  if (!emulated && !url) throw new ProviderError('kuma provider: url is required (or emulated: true)');
  if (url && !/^https?:\/\/[^/]+/i.test(url)) throw new ProviderError(`kuma provider: url ${url} is not an http:// or https:// URL`);
  const allowHttp = config.allow_http;
  if (allowHttp !== undefined && allowHttp !== null && typeof allowHttp !== 'boolean')
    throw new ProviderError('kuma provider: allow_http must be true or false');
  if (emulated && allowHttp !== undefined && allowHttp !== null)
    throw new ProviderError('kuma provider: allow_http cannot be set with emulated: true (the embedded emulator listens on loopback)');
  const warnings: string[] = [];
  if (url && !emulated) {
    const transport = checkTransport({
      provider: 'kuma',
      attribute: 'url',
      url: new URL(url),
      allowHttp: allowHttp === true,
      insecure: false,
      credentials: 'the username and password',
    });
    if (transport.problems.length > 0) throw new ProviderError(`kuma provider: ${transport.problems.map((p) => p.message).join('; ')}`);
    warnings.push(...transport.warnings);
  }
  const username = text(config, 'username');
  const password = text(config, 'password');
  if (!username || !password) throw new ProviderError('kuma provider: username and password are required');
  const timeout = config.timeout_ms;
  if (timeout !== undefined && timeout !== null && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 100)) {
    throw new ProviderError('kuma provider: timeout_ms must be a whole number of milliseconds, at least 100');
  }
  const tlsFingerprint = text(config, 'tls_fingerprint');
  if (tlsFingerprint && !normalizeFingerprint(tlsFingerprint))
    throw new ProviderError(`kuma provider: tls_fingerprint ${tlsFingerprint} is not a SHA-256 fingerprint (AA:BB:... 32 bytes)`);
  const version = text(config, 'version');
  if (version && !parseKumaVersion(version)) throw new ProviderError(`kuma provider: version ${version} is not a version such as 2.5.3`);
  return {
    url: emulated ? undefined : url,
    username,
    password,
    token: text(config, 'token'),
    timeoutMs: typeof timeout === 'number' ? timeout : DEFAULT_TIMEOUT_MS,
    caFile: text(config, 'ca_file'),
    tlsFingerprint,
    emulated,
    version,
    warnings,
  };
}

export async function readCaFile(caFile: string, configDir: string): Promise<string> {
  const path = isAbsolute(caFile) ? caFile : resolve(configDir, caFile);
  const read = readCaBundle(path);
  if ('reason' in read) throw new ProviderError(`kuma provider: cannot read ca_file ${path}: ${read.reason}`);
  return read.pem;
}

/** The Uptime Kuma releases the emulator plays, and the one it plays unless `version` names a 1.x. */
export const EMULATED_KUMA_VERSIONS: readonly ('2.5.3' | '1.23.16')[] = ['1.23.16', '2.5.3'];
export const DEFAULT_EMULATED_KUMA_VERSION = '2.5.3';

/** Which emulator version a stated version stands for. */
export function emulatorVersionFor(version: string | undefined): '2.5.3' | '1.23.16' {
  const parsed = version ? parseKumaVersion(version) : undefined;
  return parsed && parsed.major < 2 ? '1.23.16' : '2.5.3';
}
