/**
 * Turning the bytes of a config or variable file (or the state file and its journal) into
 * text (pure). Files must be UTF-8 and hold no NUL byte; the first offending byte is reported at its line and column instead of
 * being replaced by U+FFFD, which would silently change what the file says.
 */

export type DecodedSource =
  | { text: string; problem?: undefined }
  | { text?: undefined; problem: { summary: string; line: number; col: number } };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `kinds` names the files in the NUL message: they "must be text". */
export function decodeSourceBytes(bytes: Uint8Array, kinds = 'config and variable files'): DecodedSource {
  const nul = bytes.indexOf(0);
  let text: string | undefined;
  try {
    text = decoder.decode(bytes);
  } catch {
    text = undefined;
  }
  if (text !== undefined && nul < 0) return { text };
  const bad = text === undefined ? firstInvalidUtf8(bytes) : bytes.length;
  const at = nul >= 0 && nul < bad ? nul : bad;
  const { line, col } = positionOf(bytes, at);
  const summary =
    at === nul
      ? `The file holds a NUL byte; ${kinds} must be text`
      : `The file is not valid UTF-8: byte 0x${bytes[at]!.toString(16).padStart(2, '0').toUpperCase()} at offset ${at} is not part of a UTF-8 character`;
  return { problem: { summary, line, col } };
}

/** The offset of the first byte that does not start (or continue) a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => j < n && bytes[j]! >= lo && bytes[j]! <= hi;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let ok: boolean;
    if (b >= 0xc2 && b <= 0xdf) {
      len = 2;
      ok = cont(i + 1);
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      const lo = b === 0xe0 ? 0xa0 : 0x80;
      const hi = b === 0xed ? 0x9f : 0xbf;
      ok = cont(i + 1, lo, hi) && cont(i + 2);
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      const lo = b === 0xf0 ? 0x90 : 0x80;
      const hi = b === 0xf4 ? 0x8f : 0xbf;
      ok = cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3);
    } else {
      return i;
    }
    if (!ok) return i;
    i += len;
  }
  return n;
}

/** 1-based line and column (in characters) of byte `offset`; the bytes before it are valid UTF-8. */
function positionOf(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      line++;
      col = 1;
    } else if ((b & 0xc0) !== 0x80) {
      col++;
    }
  }
  return { line, col };
}
