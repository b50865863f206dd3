/**
 * Opens what a configured maas provider instance talks through: for a remote MAAS, the TLS
 * dispatcher (CA file, pinned fingerprint or insecure) and the OAuth1 client over it; for
 * `emulated: true`, the embedded emulator (its code loaded only then) and a client of it.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { ProviderError, type ConfigureRequest } from '../../src/provider/contract.js';
import { isCredentials, parseApiKey } from './client/api-key.js';
import { MaasApi } from './client/maas-api.js';
import { MaasHttpClient } from './client/maas-http-client.js';
import { createMaasDispatcher } from './client/tls-dispatcher.js';
import { readCaBundle } from '../shared/ca-file.js';
import type { MaasProviderOptions } from './maas-provider.js';
import type { MaasSession } from './maas-session.js';
import type { MaasSettings } from './provider-config.js';

export async function openMaasSession(s: MaasSettings, req: ConfigureRequest, options: MaasProviderOptions): Promise<MaasSession> {
  if (s.mode === 'emulated') {
    // the emulator's code is loaded only when a config asks for it
    const { startMaasEmulator } = await import('./emulator/maas-emulator.js');
    const emulator = await startMaasEmulator({ worldFile: join(req.workDir, 'maas-world.json'), maasVersion: s.maasVersion });
    const credentials = parseApiKey(emulator.apiKey);
    if (!isCredentials(credentials)) throw new Error('emulator produced an invalid API key');
    const dispatcher = createMaasDispatcher({});
    const http = new MaasHttpClient({
      url: emulator.url,
      credentials,
      dispatcher,
      timeoutMs: s.timeoutMs,
      maxRetries: s.maxRetries,
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
      ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
      ...(req.log ? { log: req.log } : {}),
    });
    return { api: new MaasApi(http), dispatcher, emulator };
  }
  let ca: string | undefined;
  if (s.caFile !== undefined) {
    const path = isAbsolute(s.caFile) ? s.caFile : resolve(req.configDir, s.caFile);
    const read = readCaBundle(path);
    if ('reason' in read) throw new ProviderError(`maas provider: cannot read ca_file ${path}: ${read.reason}`);
    ca = read.pem;
  }
  if (s.insecure) req.progress?.(`maas: TLS verification is OFF for ${s.url} (insecure: true)`);
  const dispatcher = createMaasDispatcher({
    ...(ca !== undefined ? { ca } : {}),
    ...(s.tlsFingerprint !== undefined ? { fingerprint: s.tlsFingerprint } : {}),
    insecure: s.insecure,
    connectTimeoutMs: Math.min(s.timeoutMs, 10_000),
  });
  const http = new MaasHttpClient({
    url: s.url,
    credentials: s.credentials,
    dispatcher,
    timeoutMs: s.timeoutMs,
    maxRetries: s.maxRetries,
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
    ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
    ...(req.log ? { log: req.log } : {}),
  });
  return { api: new MaasApi(http), dispatcher };
}
