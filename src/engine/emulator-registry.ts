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
      'proxmox',
      async (o) => {
        const m = await import('../../providers/pve/emulator/start-emulator.js');
        const e = await m.startProxmoxEmulator({ host: o.host, port: o.port, seed: 'homelab', ...(o.worldFile ? { worldFile: o.worldFile } : {}) });
        return { url: e.url, hint: `API token: ${m.DEFAULT_TOKEN_ID}=${m.DEFAULT_TOKEN_SECRET}\n`, close: () => e.close() };
      },
    ],
    [
      'maas',
      async (o) => {
        const { startMaasEmulator } = await import('../../providers/maas/emulator/maas-emulator.js');
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
