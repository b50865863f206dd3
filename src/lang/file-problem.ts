/**
 * Why a path given to `file()` or `templatefile()` exists but cannot be used: a directory,
 * a device or FIFO, a file over the size limit, an unreadable file, text that is not UTF-8.
 * Thrown by the injected file reader (EvalContext.readFile) and turned into the function's
 * located error; not an `Error`, since it is a user error, not a bug.
 */
export type FileProblemKind = 'not-regular' | 'too-large' | 'unreadable' | 'not-utf8';

export class FileProblem {
  constructor(
    readonly kind: FileProblemKind,
    /** What is wrong, e.g. `it is a directory, not a regular file`. */
    readonly reason: string,
  ) {}
}
