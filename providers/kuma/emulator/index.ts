/**
 * The Uptime Kuma emulator: a socket.io server on loopback that behaves like Kuma 2.5.3, or
 * 1.23.16 on a switch, for the provider's tests and for `emulated: true` provider blocks.
 */
export { startKumaEmulator, type KumaEmulator, type KumaEmulatorOptions, type KumaEmulatorUser } from './emulator-server.js';
export type { EmulatorFaults, EmulatorStats } from './handler-context.js';
export { KumaWorld, KUMA_STATUS, type KumaWorldData, type KumaHeartbeatRecord, type KumaStatus } from './kuma-world.js';
export { totpToken } from './totp.js';
export { KUMA_EMULATOR_VERSIONS, type KumaEmulatorVersion } from './version-profiles.js';
