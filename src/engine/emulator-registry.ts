/**
 * The emulators `hl emulate` can run, by provider kind, as the engine receives them (the
 * entry point wires the built-in ones, see src/cli/builtin-registries.ts); each is loaded
 * only when asked for.
 */

export interface RunningEmulator {
  url: string;
  /** Extra lines for the user, e.g. the credentials to configure. */
  hint?: string;
  close(): Promise<void>;
}

export type EmulatorStarter = (opts: { host: string; port: number; worldFile?: string }) => Promise<RunningEmulator>;

export type EmulatorRegistry = ReadonlyMap<string, EmulatorStarter>;

/** The releases one provider's emulator can play (`pve_version`, `maas_version`, kuma's `version`), for `hl version`. */
export interface EmulatorProfiles {
  provider: string;
  /** What the versions are of: `Proxmox VE`, `MAAS`, `Uptime Kuma`. */
  product: string;
  versions: readonly string[];
  default: string;
}
