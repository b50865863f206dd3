/** The emulators `hl emulate` can run, by provider kind; each loaded only when asked for. */

export interface RunningEmulator {
  url: string;
  /** Extra lines for the user, e.g. the credentials to configure. */
  hint?: string;
  close(): Promise<void>;
}

export type EmulatorStarter = (opts: { host: string; port: number; worldFile?: string }) => Promise<RunningEmulator>;

export function emulators(): Map<string, EmulatorStarter> {
  return new Map<string, EmulatorStarter>([
    [
      'maas',
      async (o) => {
        const { startMaasEmulator } = await import('../../providers/maas/index.js');
        const key = 'hl-emulator:hl-emulator-token:hl-emulator-secret';
        const e = await startMaasEmulator({ host: o.host, port: o.port, apiKeys: [key], ...(o.worldFile ? { worldFile: o.worldFile } : {}) });
        return { url: e.url, hint: `API key: ${key}\n`, close: () => e.close() };
      },
    ],
    [
      'kuma',
      async (o) => {
        const { startKumaEmulator } = await import('../../providers/kuma/emulator/index.js');
        const e = await startKumaEmulator({ port: o.port, users: [{ username: 'admin', password: 'hl-emulator-1' }], ...(o.worldFile ? { worldFile: o.worldFile } : {}) });
        return { url: e.url, hint: 'Login: admin / hl-emulator-1\n', close: () => e.close() };
      },
    ],
  ]);
}
