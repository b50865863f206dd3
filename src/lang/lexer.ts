/**
 * The scanner. It works in two modes driven by the parser: template mode reads literal text
 * up to the next `${` (or closing quote), and expression mode reads one token at a time.
 */
import { syntaxFailure } from './syntax-problem.js';

export type TokenKind = 'number' | 'ident' | 'quote' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (for `quote`: `"`). */
  text: string;
  start: number;
  end: number;
  /** A line break came between the previous token and this one. */
  newlineBefore: boolean;
}

/** Where a run of literal template text stopped. */
export type LiteralStop = 'interpolation' | 'quote' | 'eof';

export interface LiteralRun {
  text: string;
  stop: LiteralStop;
  /** Offset of the `${` or closing quote that stopped the run (the text length at eof). */
  stopAt: number;
}

/** The length of the punctuation token at `i` (whose char code is `c`), or 0 if there is none. */
function punctLength(src: string, i: number, c: number): number {
  const next = src.charCodeAt(i + 1);
  switch (c) {
    case 46: // .
      return next === 46 && src.charCodeAt(i + 2) === 46 ? 3 : 1;
    case 61: // = (=> ==)
      return next === 62 || next === 61 ? 2 : 1;
    case 33: // ! (!=)
    case 60: // < (<=)
    case 62: // > (>=)
      return next === 61 ? 2 : 1;
    case 38: // &&
      return next === 38 ? 2 : 0;
    case 124: // ||
      return next === 124 ? 2 : 0;
    case 91: // [
    case 93: // ]
    case 123: // {
    case 125: // }
    case 40: // (
    case 41: // )
    case 44: // ,
    case 58: // :
    case 63: // ?
    case 45: // -
    case 43: // +
    case 42: // *
    case 47: // /
    case 37: // %
      return 1;
    default:
      return 0;
  }
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 45;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export class Scanner {
  pos: number;

  constructor(
    readonly src: string,
    start = 0,
  ) {
    this.pos = start;
  }

  /** Reads literal template text. `quoted`: inside a `"..."` string (escapes, closing quote). */
  scanLiteral(quoted: boolean): LiteralRun {
    const src = this.src;
    const n = src.length;
    let out = '';
    let runStart = this.pos;
    let i = this.pos;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === 36 /* $ */) {
        const c1 = src.charCodeAt(i + 1);
        if (c1 === 123 /* { */) {
          out += src.slice(runStart, i);
          this.pos = i;
          return { text: out, stop: 'interpolation', stopAt: i };
        }
        if (c1 === 36 && src.charCodeAt(i + 2) === 123) {
          // `$${` is a literal `${`.
          out += src.slice(runStart, i) + '${';
          i += 3;
          runStart = i;
          continue;
        }
      } else if (quoted && c === 34 /* " */) {
        out += src.slice(runStart, i);
        this.pos = i;
        return { text: out, stop: 'quote', stopAt: i };
      } else if (quoted && c === 92 /* \ */) {
        out += src.slice(runStart, i);
        const [decoded, length] = this.escape(i);
        out += decoded;
        i += length;
        runStart = i;
        continue;
      }
      i++;
    }
    out += src.slice(runStart, n);
    this.pos = n;
    return { text: out, stop: 'eof', stopAt: n };
  }

  /** Decodes the escape sequence at `at` (a backslash); returns the text and its length. */
  private escape(at: number): [string, number] {
    const next = this.src[at + 1];
    switch (next) {
      case 'n':
        return ['\n', 2];
      case 'r':
        return ['\r', 2];
      case 't':
        return ['\t', 2];
      case '"':
        return ['"', 2];
      case '\\':
        return ['\\', 2];
      case 'u':
      case 'U': {
        const digits = next === 'u' ? 4 : 8;
        const hex = this.src.slice(at + 2, at + 2 + digits);
        const code = /^[0-9A-Fa-f]+$/.test(hex) && hex.length === digits ? parseInt(hex, 16) : NaN;
        if (Number.isNaN(code) || code > 0x10ffff) {
          throw syntaxFailure(at, `Invalid escape sequence: \\${next} must be followed by ${digits} hexadecimal digits`);
        }
        return [String.fromCodePoint(code), 2 + digits];
      }
      case undefined:
        throw syntaxFailure(at, 'Unterminated string: missing closing """');
      default:
        throw syntaxFailure(at, `Invalid escape sequence "\\${next}": expected one of \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN`);
    }
  }

  /** Reads the next expression token, skipping whitespace and comments. */
  nextToken(): Token {
    const src = this.src;
    const n = src.length;
    let i = this.pos;
    let newlineBefore = false;
    // Whitespace and comments.
    for (;;) {
      const c = src.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13) i++;
      else if (c === 10) {
        newlineBefore = true;
        i++;
      } else if (c === 35 /* # */ || (c === 47 && src.charCodeAt(i + 1) === 47) /* // */) {
        while (i < n && src.charCodeAt(i) !== 10) i++;
      } else if (c === 47 && src.charCodeAt(i + 1) === 42 /* /* */) {
        const close = src.indexOf('*/', i + 2);
        if (close < 0) throw syntaxFailure(i, 'Unterminated comment: missing "*/"');
        if (src.slice(i, close).includes('\n')) newlineBefore = true;
        i = close + 2;
      } else break;
    }
    const start = i;
    if (i >= n) {
      this.pos = n;
      return { kind: 'eof', text: '', start: n, end: n, newlineBefore };
    }
    const c = src.charCodeAt(i);
    if (isDigit(c)) {
      i++;
      while (isDigit(src.charCodeAt(i))) i++;
      if (src.charCodeAt(i) === 46 /* . */ && isDigit(src.charCodeAt(i + 1))) {
        i += 2;
        while (isDigit(src.charCodeAt(i))) i++;
      }
      const e = src.charCodeAt(i);
      if (e === 101 || e === 69) {
        let j = i + 1;
        const sign = src.charCodeAt(j);
        if (sign === 43 || sign === 45) j++;
        if (isDigit(src.charCodeAt(j))) {
          i = j;
          while (isDigit(src.charCodeAt(i))) i++;
        }
      }
      return this.token('number', start, i, newlineBefore);
    }
    if (isIdentStart(c)) {
      i++;
      while (isIdentPart(src.charCodeAt(i))) i++;
      return this.token('ident', start, i, newlineBefore);
    }
    if (c === 34 /* " */) return this.token('quote', start, i + 1, newlineBefore);
    const len = punctLength(src, i, c);
    if (len > 0) return this.token('punct', start, i + len, newlineBefore);
    const one = src[i]!;
    if (one === "'") {
      throw syntaxFailure(start, 'Invalid character "\'": strings are written in double quotes ("...")');
    }
    if (one === '&' || one === '|') {
      throw syntaxFailure(start, `Invalid character "${one}": did you mean "${one}${one}"?`);
    }
    const cp = String.fromCodePoint(src.codePointAt(i)!);
    throw syntaxFailure(start, `Invalid character ${JSON.stringify(cp)} in expression`);
  }

  private token(kind: TokenKind, start: number, end: number, newlineBefore: boolean): Token {
    this.pos = end;
    return { kind, text: this.src.slice(start, end), start, end, newlineBefore };
  }
}
