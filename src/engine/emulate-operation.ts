/**
 * `emulate KIND`: starts an emulator of the registry, on a loopback address only. An unknown
 * kind is an error naming the kinds there are.
 */
import { resolve } from 'node:path';
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import type { EmulatorRegistry, RunningEmulator } from './emulator-registry.js';

export interface EmulateOptions {
  kind: string | undefined;
  host?: string;
  port?: number;
  /** A world file to keep the emulated objects in (--world); in memory without. */
  world?: string;
}

export async function startEmulatorOperation(registry: EmulatorRegistry, opts: EmulateOptions): Promise<RunningEmulator> {
  const { kind } = opts;
  const start = kind ? registry.get(kind) : undefined;
  if (!start) {
    const s = kind ? didYouMean(kind, registry.keys()) : undefined;
    throw new DiagnosticsError([
      error(
        kind ? `No emulator "${kind}"` : 'hl emulate needs a kind',
        undefined,
        s ? `Did you mean "${s}"?` : `Available: ${[...registry.keys()].join(', ')}`,
      ),
    ]);
  }
  const host = opts.host ?? '127.0.0.1';
  if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host)) {
    throw new DiagnosticsError([error(`Emulators listen on loopback only; "${host}" is not a loopback address`)]);
  }
  return start({ host, port: opts.port ?? 0, ...(opts.world ? { worldFile: resolve(opts.world) } : {}) });
}
