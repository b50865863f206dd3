/**
 * What a configured maas provider instance holds: its API client, the TLS dispatcher under
 * it (closed on `close`) and, when emulated, the emulator it started.
 */
import type { Dispatcher } from 'undici';
import type { MaasApi } from './client/maas-api.js';
import type { MaasEmulator } from './emulator/maas-emulator.js';

export interface MaasSession {
  api: MaasApi;
  dispatcher: Dispatcher;
  emulator?: MaasEmulator;
}
