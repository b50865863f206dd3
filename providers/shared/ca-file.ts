/**
 * Reading a provider's `ca_file`: the PEM text of the CA bundle, or why it cannot be read. The
 * one reader every provider uses; each words the failure its own way (its name, its phrase).
 */
import { readFileSync } from 'node:fs';

/** The bundle's PEM text, or the reason (the file system's message) it cannot be read. */
export type CaBundleRead = { pem: string } | { reason: string };

/** Reads the CA bundle at `path` (already resolved against the config directory). */
export function readCaBundle(path: string): CaBundleRead {
  try {
    return { pem: readFileSync(path, 'utf8') };
  } catch (e) {
    return { reason: (e as Error).message };
  }
}
