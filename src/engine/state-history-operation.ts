/**
 * `hl state history` and `hl state show --serial N [ADDRESS]`: the stored versions of the
 * selected workspace's state (the file backend keeps the current one and its backup; the
 * PostgreSQL backend every one). Takes no lock, writes nothing.
 */
import { DiagnosticsError, error } from '../core/diagnostic.js';
import { didYouMean } from '../core/suggest.js';
import type { StateBackend, StateVersion } from '../backend/state-backend.js';
import { maskedResource } from '../state/masked-resource.js';
import { decodeStateFile } from '../state/state-file-format.js';
import type { ResourceState } from '../state/state-types.js';
import { openRunBackend, type BackendOptions } from './run-backend.js';
import { engineStateValidator } from './state-validator.js';

export async function stateHistory(opts: BackendOptions): Promise<{ versions: StateVersion[]; location: string }> {
  const { backend } = await openRunBackend(opts);
  try {
    return { versions: await backend.history(), location: backend.location };
  } finally {
    await backend.close();
  }
}

/** The stored text of version `serial`. */
export async function stateVersionText(opts: BackendOptions, serial: number): Promise<string> {
  const { backend } = await openRunBackend(opts);
  try {
    return await versionText(backend, serial);
  } finally {
    await backend.close();
  }
}

/** One resource as it was in version `serial`, its sensitive values masked. */
export async function stateVersionResource(opts: BackendOptions, serial: number, address: string): Promise<ResourceState> {
  const { backend } = await openRunBackend(opts);
  try {
    const where = `${backend.location} serial ${serial}`;
    const decoded = decodeStateFile(await versionText(backend, serial), where, await engineStateValidator());
    if ('diagnostics' in decoded) throw new DiagnosticsError(decoded.diagnostics);
    const found = decoded.state.resources.find((r) => r.address === address);
    if (!found) {
      const s = didYouMean(
        address,
        decoded.state.resources.map((r) => r.address),
      );
      throw new DiagnosticsError([
        error(
          `No resource ${address} in version ${serial} of the state`,
          undefined,
          s ? `Did you mean "${s}"?` : `See "hl state show --serial ${serial}".`,
        ),
      ]);
    }
    return maskedResource(found);
  } finally {
    await backend.close();
  }
}

async function versionText(backend: StateBackend, serial: number): Promise<string> {
  const text = await backend.readVersion(serial);
  if (text !== undefined) return text;
  const serials = (await backend.history()).map((v) => v.serial);
  throw new DiagnosticsError([
    error(
      `No version ${serial} of the state in ${backend.location}`,
      undefined,
      serials.length > 0
        ? `The versions kept are serials ${serials.join(', ')} (see "hl state history").${backend.kind === 'file' ? ' The file backend keeps only the current state and its backup.' : ''}`
        : 'This workspace has no stored state yet.',
    ),
  ]);
}
