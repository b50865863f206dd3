/** The emulators `hl emulate` can run, by provider kind. */

export interface RunningEmulator {
  url: string;
  /** Extra lines for the user, e.g. the credentials to configure. */
  hint?: string;
  close(): Promise<void>;
}

export type EmulatorStarter = (opts: { host: string; port: number; worldFile?: string }) => Promise<RunningEmulator>;

export function emulators(): Map<string, EmulatorStarter> {
  return new Map();
}
