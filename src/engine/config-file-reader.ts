/**
 * The reader behind `file()` and `templatefile()`: files relative to the config root, read
 * only when they are regular files no larger than MAX_FILE_BYTES (checked with stat before
 * anything is read, and never reading past the limit), holding UTF-8 text. A device such as
 * /dev/zero, a FIFO or a directory is refused by what it is, without being opened for
 * reading (a FIFO would block), and a missing path is `undefined`.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { decodeSourceBytes } from '../yaml/source-text.js';
import { MAX_FILE_BYTES, mib } from '../lang/eval-limits.js';
import { FileProblem } from '../lang/file-problem.js';

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refuseUnlessRegular(s: Stats): void {
  if (!s.isFile()) throw new FileProblem('not-regular', `it is ${kindOf(s)}, not a regular file`);
  if (s.size > MAX_FILE_BYTES) throw tooLarge(s.size);
}

function tooLarge(size: number | undefined): FileProblem {
  const what = size === undefined ? 'more than' : `${size.toLocaleString('en-US')} bytes, more than`;
  return new FileProblem('too-large', `it is ${what} the limit of ${mib(MAX_FILE_BYTES)} for file() and templatefile()`);
}

function unreadable(e: unknown): FileProblem {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ELOOP' ? 'too many symbolic links' : (code ?? String(e));
  return new FileProblem('unreadable', `it exists but cannot be read (${why})`);
}

/** Reads a file for `file()`: its text, undefined when nothing is there, or throws a FileProblem. */
export function readConfigRelativeFile(root: string, path: string): string | undefined {
  const full = resolve(root, path);
  let info: Stats;
  try {
    info = statSync(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw unreadable(e);
  }
  refuseUnlessRegular(info);
  let fd: number;
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, opening it does not wait for a writer.
    fd = openSync(full, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw unreadable(e);
  }
  try {
    const opened = fstatSync(fd);
    refuseUnlessRegular(opened);
    // Sized by stat, grown if the file grows meanwhile, never past the limit plus one byte.
    let buf = Buffer.alloc(opened.size + 1);
    let filled = 0;
    for (;;) {
      if (filled === buf.length) {
        if (filled > MAX_FILE_BYTES) throw tooLarge(undefined);
        const bigger = Buffer.alloc(Math.min(buf.length * 2, MAX_FILE_BYTES + 1));
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const n = readSync(fd, buf, filled, buf.length - filled, null);
      if (n === 0) break;
      filled += n;
    }
    if (filled > MAX_FILE_BYTES) throw tooLarge(undefined);
    const decoded = decodeSourceBytes(buf.subarray(0, filled));
    if (decoded.problem) {
      throw new FileProblem(
        'not-utf8',
        `${decoded.problem.summary.replace(/^The file/, 'the file')} (line ${decoded.problem.line}, column ${decoded.problem.col}); file() reads UTF-8 text`,
      );
    }
    return decoded.text;
  } catch (e) {
    if (e instanceof FileProblem) throw e;
    throw unreadable(e);
  } finally {
    closeSync(fd);
  }
}
