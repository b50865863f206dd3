/**
 * A lowdb adapter for a JSON file written atomically (see atomic-write.ts) with mode 0600.
 * lowdb's own JSONFile adapter (steno) renames a temp file too, but neither fsyncs nor sets
 * the mode; the state file needs both.
 */
import { readFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { writeFileAtomic } from './atomic-write.js';

export interface AtomicJsonFileOptions<T> {
  /** Turns the file's bytes into data; throws on bad content. Default: JSON.parse of their UTF-8. */
  parse?: (bytes: Uint8Array) => T;
  /** Turns data into the file's text. Default: JSON with 2-space indent and a final newline. */
  stringify?: (data: T) => string;
}

export class AtomicJsonFile<T> implements Adapter<T> {
  readonly #parse: (bytes: Uint8Array) => T;
  readonly #stringify: (data: T) => string;

  constructor(
    readonly filename: string,
    opts: AtomicJsonFileOptions<T> = {},
  ) {
    this.#parse = opts.parse ?? ((bytes) => JSON.parse(Buffer.from(bytes).toString('utf8')) as T);
    this.#stringify = opts.stringify ?? ((data) => `${JSON.stringify(data, null, 2)}\n`);
  }

  /** The parsed file, or null when it does not exist. */
  async read(): Promise<T | null> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(this.filename);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return this.#parse(bytes);
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.filename, this.#stringify(data));
  }
}
