/**
 * The Uptime Kuma provider (`kuma`): monitors, tags and notifications on one or several Kuma
 * instances over Kuma's socket.io API, for Kuma 1.23 and 2.x. The emulator lives apart in
 * `./emulator/` and is only loaded for `emulated: true` blocks and tests.
 */
export { KumaProvider, kumaProviderFactory, EMULATED_WORLD_FILE } from './kuma-provider.js';
export { parseKumaProviderConfig, type KumaProviderConfig } from './provider-config.js';
export { KumaSession, type KumaSessionOptions } from './connection/kuma-session.js';
export { parseKumaVersion, limitsForStatedVersion, type KumaServerVersion, type IntervalLimits } from './protocol/kuma-version.js';
export { MONITOR_TYPES, type MonitorType } from './resources/monitor/monitor-attributes.js';

/**
 * Starts the Uptime Kuma emulator for `hl emulate kuma` (its module is loaded only now), with
 * the credentials to configure as the hint.
 */
export async function startEmulator(o: {
  host: string;
  port: number;
  worldFile?: string;
}): Promise<{ url: string; hint: string; close(): Promise<void> }> {
  const { startKumaEmulator } = await import('./emulator/index.js');
  const e = await startKumaEmulator({
    port: o.port,
    users: [{ username: 'admin', password: 'hl-emulator-1' }],
    ...(o.worldFile ? { worldFile: o.worldFile } : {}),
  });
  return { url: e.url, hint: 'Login: admin / hl-emulator-1\n', close: () => e.close() };
}
