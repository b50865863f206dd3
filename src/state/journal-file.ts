/**
 * The journal on disk: an append-only file kept open, where each appended line is durable
 * (written and fdatasync'ed) before its promise resolves. Lines appended while a sync is in
 * flight are written together by the next one (group commit), so parallel operations do not
 * queue behind one fsync each, and the cost per line never depends on the state's size.
 *
 * `exclusive` runs a function while no line is being written (the checkpoint uses it to
 * write the state file and then `replace` the journal's content atomically).
 */
import { constants } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDirectory, PRIVATE_FILE_MODE, tempPathFor } from './atomic-write.js';
import { GroupCommit } from './group-commit.js';
import { encodeJournalLine, type JournalHeader } from './journal-records.js';

const APPEND_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;

async function writeAll(handle: FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await handle.write(buf, off, buf.length - off);
    off += bytesWritten;
  }
}

export class JournalFile {
  readonly #path: string;
  readonly #header: () => JournalHeader;
  #handle: FileHandle | undefined;
  /** Bytes of valid content; anything beyond (a torn line) is cut off when the file is opened. */
  #size: number;
  readonly #commits: GroupCommit;
  #needsDirSync = false;
  #broken: unknown;
  #closed = false;

  /**
   * @param validBytes length of the valid content already in the file (0 when missing);
   * @param header the header written first whenever the file is empty.
   */
  constructor(path: string, validBytes: number, header: () => JournalHeader) {
    this.#path = path;
    this.#size = validBytes;
    this.#header = header;
    this.#commits = new GroupCommit((texts) => this.#writeDurably(texts.join('')), `journal ${path}`);
  }

  get path(): string {
    return this.#path;
  }

  /** Bytes of content (0: the journal is empty). */
  get size(): number {
    return this.#size;
  }

  /** Appends one encoded line (newline included); resolves once it is on disk. */
  append(text: string): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`journal ${this.#path} is closed`));
    return this.#commits.append(text);
  }

  /** Runs `fn` while no line is written; lines appended meanwhile wait and are written after. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#commits.exclusive(fn);
  }

  /**
   * Atomically replaces the journal's content with a header and `lines` (or nothing when
   * `lines` is empty). Call inside `exclusive`.
   */
  async replace(lines: string[]): Promise<void> {
    const text = lines.length === 0 ? '' : encodeJournalLine(this.#header()) + lines.join('');
    const buf = Buffer.from(text, 'utf8');
    const temp = tempPathFor(this.#path);
    const handle = await open(temp, APPEND_FLAGS | constants.O_EXCL, PRIVATE_FILE_MODE);
    try {
      await handle.chmod(PRIVATE_FILE_MODE);
      await writeAll(handle, buf);
      await handle.datasync();
      await rename(temp, this.#path);
    } catch (e) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    await fsyncDirectory(dirname(this.#path));
    const old = this.#handle;
    this.#handle = handle;
    this.#size = buf.length;
    this.#needsDirSync = false;
    this.#broken = undefined;
    await old?.close().catch(() => undefined);
  }

  /** Resolves once every line appended so far is on disk (or has failed). */
  flush(): Promise<void> {
    return this.#commits.flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#commits.close();
    this.#closed = true;
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  async #open(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    let handle: FileHandle;
    try {
      handle = await open(this.#path, APPEND_FLAGS | constants.O_EXCL, PRIVATE_FILE_MODE);
      this.#needsDirSync = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      handle = await open(this.#path, APPEND_FLAGS, PRIVATE_FILE_MODE);
    }
    try {
      const st = await handle.stat();
      if ((st.mode & 0o777) !== PRIVATE_FILE_MODE) await handle.chmod(PRIVATE_FILE_MODE);
      if (st.size > this.#size) {
        // A torn last line from a crash: cut it off so the next line starts clean.
        await handle.truncate(this.#size);
        await handle.datasync();
      } else if (st.size < this.#size) {
        this.#size = st.size;
      }
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw e;
    }
    this.#handle = handle;
    return handle;
  }

  async #writeDurably(text: string): Promise<void> {
    if (this.#broken !== undefined) throw this.#broken;
    const handle = await this.#open();
    const data = this.#size === 0 ? encodeJournalLine(this.#header()) + text : text;
    const buf = Buffer.from(data, 'utf8');
    try {
      await writeAll(handle, buf);
      await handle.datasync();
    } catch (e) {
      // Leave no partial line behind, or the next append would be glued to it.
      try {
        await handle.truncate(this.#size);
        await handle.datasync();
      } catch {
        this.#broken = e;
      }
      throw e;
    }
    this.#size += buf.length;
    if (this.#needsDirSync) {
      await fsyncDirectory(dirname(this.#path));
      this.#needsDirSync = false;
    }
  }
}
