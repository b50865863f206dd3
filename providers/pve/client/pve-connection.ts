/**
 * The connection every PVE-backed provider (proxmox, crucible, coral) opens from its
 * settings: the embedded emulator, or a remote cluster over a TLS agent scoped to this
 * client (CA file, SHA-256 pin, or explicit `insecure`). The agent — and with it undici —
 * is made on the first request, so a run that never reaches the API (a plan with
 * `--refresh=false`, `hl validate`) does not pay for loading it.
 */
import type { Agent } from 'undici';
import type { ProviderCallLog } from '../../../src/provider/call-log.js';
import { ProviderError } from '../../../src/provider/contract.js';
import { readCaBundle } from '../../shared/ca-file.js';
import { startEmbeddedEmulator, type EmbeddedEmulator } from '../embedded-emulator.js';
import type { ProxmoxSettings } from '../provider-settings.js';
import { PveClient } from './pve-client.js';
import { createTlsAgent, fetchThrough, type FetchFn, type TlsOptions } from './tls-fetch.js';

export interface PveConnection {
  client: PveClient;
  close(): Promise<void>;
}

/** Opens the connection `settings` describe; `provider` names the provider in errors; `log` is told every call. */
export async function openPveConnection(
  settings: ProxmoxSettings,
  workDir: string,
  provider: string,
  log?: ProviderCallLog,
): Promise<PveConnection> {
  if (settings.mode === 'emulated') {
    const emulator: EmbeddedEmulator = await startEmbeddedEmulator(workDir, settings.pveVersion, provider);
    const tls = lazyTlsFetch({});
    return {
      client: new PveClient({ ...emulator, fetch: tls.fetch, ...(log ? { log } : {}) }),
      close: async () => {
        await tls.close();
        await emulator.close();
      },
    };
  }
  let ca: string | undefined;
  if (settings.caFile !== undefined) {
    const read = readCaBundle(settings.caFile);
    if ('reason' in read) throw new ProviderError(`${provider} provider: ca_file ${settings.caFile} cannot be read: ${read.reason}`);
    ca = read.pem;
  }
  const tls = lazyTlsFetch({
    ...(ca !== undefined ? { ca } : {}),
    ...(settings.tlsFingerprint !== undefined ? { fingerprint: settings.tlsFingerprint } : {}),
    insecure: settings.insecure,
  });
  return {
    client: new PveClient({
      protocol: settings.protocol,
      host: settings.host,
      port: settings.port,
      auth: settings.auth,
      fetch: tls.fetch,
      ...(log ? { log } : {}),
    }),
    close: () => tls.close(),
  };
}

/** A fetch over an agent with `options`, made on first use. */
function lazyTlsFetch(options: TlsOptions): { fetch: FetchFn; close(): Promise<void> } {
  let agent: Agent | undefined;
  let through: FetchFn | undefined;
  return {
    fetch: (url, init) => {
      if (!through) {
        agent = createTlsAgent(options);
        through = fetchThrough(agent);
      }
      return through(url, init);
    },
    close: async () => {
      const a = agent;
      agent = undefined;
      through = undefined;
      await a?.close().catch(() => undefined);
    },
  };
}
