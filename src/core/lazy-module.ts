/**
 * Heavy client libraries (undici, proxmox-api, socket.io-client) loaded on first use, not at
 * import time: `hl --help` and `hl validate` never need them. They ship CommonJS builds, so
 * a synchronous `require` keeps call sites unchanged.
 */
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireFromHere(name) as T);
}
