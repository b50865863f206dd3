/**
 * Heavy libraries loaded on first use, not at import time: the clients (undici, proxmox-api,
 * socket.io-client), which `hl --help` and `hl validate` never need, `yaml`'s full
 * parser, which only documents the fast path leaves to it need, and re2js, which only the
 * regex functions need. They ship CommonJS builds,
 * so a synchronous `require` keeps call sites unchanged.
 */
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

export function lazyModule<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireFromHere(name) as T);
}
