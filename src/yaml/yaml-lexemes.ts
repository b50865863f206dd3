/**
 * YAML text as positioned tokens, for the YAML fast path (src/yaml/yaml-fast-path.ts),
 * from a hand-written scanner (pure). Each token knows its offset, line, column and whether
 * it is the first thing on its line, which is what block structure is rebuilt from.
 *
 * The tokens are split exactly where the `yaml` package's `Lexer` splits them (the fast
 * path resolves scalars with that package's CST functions and must agree with
 * `parseDocument` to the character). bench/yaml-lexemes-via-lexer.ts produces the
 * same tokens from that `Lexer`, and test/config/yaml-lexemes.test.ts holds the two to one
 * output. This scanner gets there in one pass over character codes, where the `Lexer`
 * went through generators and a second, classifying pass: most of the YAML time on large
 * configs.
 *
 * Only the common case is scanned: block and flow maps and sequences, plain, quoted and
 * block scalars (also over several lines), comments. Whatever the scanner is not certain
 * about answers `undefined`, and the caller takes the full path: anchors, aliases, tags,
 * directives, `?` keys, document markers (any line starting `---` or `...`), a byte-order
 * mark, a carriage return not ending a line, tabs in white space or in plain scalars, a
 * comment glued to what precedes it, a plain scalar starting with an indicator character
 * (one of `?:,&*!|>%@` and the backquote), block scalar headers other than `|` or `>` with
 * at most one chomping and one indentation indicator, a block scalar with its content at
 * column 0, stray closing brackets, unterminated quotes and flow collections, and quoted
 * scalars or flow collections continued on lines not indented enough.
 */

export enum Kind {
  Space,
  Newline,
  Comment,
  Plain,
  SingleQuoted,
  DoubleQuoted,
  BlockHeader,
  BlockBody,
  Colon,
  Dash,
  Comma,
  SeqStart,
  SeqEnd,
  MapStart,
  MapEnd,
}

export interface Lexeme {
  kind: Kind;
  offset: number;
  source: string;
  /** 0-based line and column of the first character. */
  line: number;
  col: number;
  /** Nothing but white space precedes it on its line. */
  first: boolean;
}

export interface Lexemes {
  tokens: Lexeme[];
  /** Whether the lexer saw a document at all (anything beyond comments and blank lines). */
  hasDocument: boolean;
}

/** Classified tokens of `text`, or `undefined` when it holds something outside the common case. */
export function lexemes(text: string): Lexemes | undefined {
  if (!withinSubset(text)) return undefined;
  try {
    return new Scanner(text).scan();
  } catch (e) {
    if (e instanceof OutsideSubset) return undefined;
    throw e;
  }
}

function withinSubset(text: string): boolean {
  return !(text.includes('\uFEFF') || LONE_CR.test(text) || DOCUMENT_MARKER.test(text));
}

/**
 * The same tokens as `lexemes`, scanned a line at a time as the reader asks for them, so
 * that the tokens of a large file are never all held at once (they are short-lived, and
 * cheap for the garbage collector). `undefined` when the text is outside the common case
 * as far as the checks of the whole text tell; a token further on may still be: `at`
 * then throws (an `Error`, which the reader catches and takes the full path).
 */
export function lexemeStream(text: string): LexemeStream | undefined {
  if (!withinSubset(text)) return undefined;
  try {
    return new LexemeStream(new Scanner(text));
  } catch (e) {
    if (e instanceof OutsideSubset) return undefined;
    throw e;
  }
}

/** Tokens dropped at a time once read past (see `LexemeStream.at`). */
const RELEASE_AT = 4096;

export class LexemeStream {
  /** The index of the scanner's first buffered token (those before it were dropped). */
  private base = 0;
  /** Whether the lexer saw a document at all (anything beyond comments and blank lines). */
  readonly hasDocument: boolean;

  constructor(private readonly scanner: Scanner) {
    this.hasDocument = scanner.prologue();
  }

  /**
   * The token at index `i`, or undefined past the last one. `keepFrom` (at most `i`): the
   * reader never asks again for a token before it, so those may be dropped.
   */
  at(i: number, keepFrom: number): Lexeme | undefined {
    let buffer = this.scanner.tokens;
    if (i - this.base < buffer.length) return buffer[i - this.base];
    if (keepFrom - this.base >= RELEASE_AT) {
      buffer.splice(0, keepFrom - this.base);
      this.base = keepFrom;
    }
    while (i - this.base >= buffer.length) {
      if (!this.scanner.nextLine()) return undefined;
      buffer = this.scanner.tokens;
    }
    return buffer[i - this.base];
  }
}

/** Thrown inside the scanner when the text needs the full path; never escapes. */
class OutsideSubset extends Error {}

function unsure(): never {
  throw new OutsideSubset();
}

/** A carriage return is only ever half of a CRLF line end below. */
const LONE_CR = /\r(?!\n)/;
/** `---` or `...` at the start of a line: a document marker, or close enough to one. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)/m;

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const BANG = 33;
const DQUOTE = 34;
const HASH = 35;
const PERCENT = 37;
const AMP = 38;
const SQUOTE = 39;
const STAR = 42;
const PLUS = 43;
const COMMA = 44;
const DASH = 45;
const ZERO = 48;
const ONE = 49;
const NINE = 57;
const COLON = 58;
const GT = 62;
const QUESTION = 63;
const AT = 64;
const LBRACKET = 91;
const BACKSLASH = 92;
const RBRACKET = 93;
const BACKQUOTE = 96;
const LBRACE = 123;
const PIPE = 124;
const RBRACE = 125;

/** Runs of spaces by length, to share one string per length among Space tokens. */
const SPACE_RUNS = Array.from({ length: 65 }, (_, n) => ' '.repeat(n));

/** White space, a line break, or the end of the text (`charCodeAt` past the end is NaN). */
function isBlank(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB || Number.isNaN(c);
}

function isLineEnd(c: number): boolean {
  return c === LF || c === CR || Number.isNaN(c);
}

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE;
}

/** Plain scalars starting with these are errors or near-errors for YAML; the full path says which. */
function isUnsurePlainStart(c: number): boolean {
  return (
    c === QUESTION ||
    c === COLON ||
    c === COMMA ||
    c === AMP ||
    c === STAR ||
    c === BANG ||
    c === PIPE ||
    c === GT ||
    c === PERCENT ||
    c === AT ||
    c === BACKQUOTE
  );
}

/** Whether the `"` at `i` is escaped by an odd run of backslashes. */
function isEscaped(s: string, i: number): boolean {
  let n = 0;
  while (s.charCodeAt(i - 1 - n) === BACKSLASH) n++;
  return n % 2 === 1;
}

/**
 * One pass over the text. Like `yaml`'s lexer it needs no notion of the document's
 * structure beyond two numbers: the indentation of the current line (with any `- ` and
 * `: ` block indicators on it), and the indentation a line must reach to continue the
 * scalar or flow collection in progress (`minIndent`, the lexer's "indentNext").
 */
class Scanner {
  readonly tokens: Lexeme[] = [];
  private readonly len: number;
  private pos = 0;
  // position bookkeeping of the next token
  private line = 0;
  private lineStart = 0;
  private seenOnLine = false;
  /** Indentation a continuation line must reach (0: any line continues). */
  private minIndent = 0;
  /** Indentation of the current line, block indicators included. */
  private lineIndent = 0;
  /** Inside a flow collection: a `:` may follow at once (after a quoted scalar or a closing bracket: `{"a":1}`). */
  private flowKey = false;

  constructor(private readonly text: string) {
    this.len = text.length;
  }

  scan(): Lexemes {
    const hasDocument = this.prologue();
    while (this.nextLine()) {}
    return { tokens: this.tokens, hasDocument };
  }

  /** After the prologue: the tokens of the next line (and of the lines a scalar or flow collection runs onto); false at the end. */
  nextLine(): boolean {
    if (this.pos >= this.len) return false;
    this.indentation();
    this.blockLine();
    return true;
  }

  /** Blank and comment lines before the document; whether a document follows. */
  prologue(): boolean {
    const s = this.text;
    while (this.pos < this.len) {
      if (s.charCodeAt(this.pos) === PERCENT) unsure(); // a directive
      let i = this.pos;
      while (s.charCodeAt(i) === SPACE) i++;
      const c = s.charCodeAt(i);
      if (c !== HASH && !isLineEnd(c)) return true;
      this.spaces();
      if (c === HASH) this.comment();
      this.newline();
    }
    return false;
  }

  /** Indentation and block indicators (`- `, `: `) at the start of a line. */
  private indentation(): void {
    const s = this.text;
    const indent = this.spaces();
    this.lineIndent = indent;
    // (the lexer looks at the character after the first one here, not at the first one)
    if (this.minIndent > indent && !isBlank(s.charCodeAt(this.pos + 1))) this.minIndent = indent;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if ((c !== DASH && c !== COLON && c !== QUESTION) || !isBlank(s.charCodeAt(this.pos + 1))) return;
      if (c === QUESTION) unsure(); // an explicit key
      this.push(c === DASH ? Kind.Dash : Kind.Colon, this.pos, this.pos + 1);
      this.pos++;
      const n = this.spaces();
      this.minIndent = this.lineIndent + 1;
      this.lineIndent += 1 + n;
    }
  }

  /**
   * The rest of a line in block context, up to and with its line break (or to the start
   * of the line after a block scalar). A scalar or flow collection may run onto later lines.
   */
  private blockLine(): void {
    const s = this.text;
    for (;;) {
      this.spaces();
      this.blockIndicators();
      const c = s.charCodeAt(this.pos);
      switch (c) {
        case HASH:
          this.comment();
          this.newline();
          return;
        case LBRACKET:
        case LBRACE:
          this.flow();
          break;
        case SQUOTE:
        case DQUOTE:
          this.quoted();
          break;
        case PIPE:
        case GT:
          this.blockScalar();
          return;
        case RBRACKET:
        case RBRACE:
        case STAR:
          throw unsure(); // a stray closing bracket, an alias
        default:
          if (isLineEnd(c)) {
            this.newline();
            return;
          }
          this.plain(false);
      }
    }
  }

  /** `: ` and `- ` after something else on a line (a map value, or an error for the full path). */
  private blockIndicators(): void {
    const s = this.text;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === BANG || c === AMP) unsure(); // a tag, an anchor
      if ((c !== DASH && c !== COLON && c !== QUESTION) || !isBlank(s.charCodeAt(this.pos + 1))) return;
      if (c === QUESTION) unsure();
      this.minIndent = this.lineIndent + 1;
      this.push(c === DASH ? Kind.Dash : Kind.Colon, this.pos, this.pos + 1);
      this.pos++;
      this.spaces();
    }
  }

  /** A flow collection from its opening bracket to the matching closing one. */
  private flow(): void {
    const s = this.text;
    this.push(s.charCodeAt(this.pos) === LBRACKET ? Kind.SeqStart : Kind.MapStart, this.pos, this.pos + 1);
    this.pos++;
    let depth = 1;
    this.flowKey = false;
    while (depth > 0) {
      // line breaks and white space; a line the collection continues on must be indented enough
      let indent = -1;
      for (;;) {
        const c = s.charCodeAt(this.pos);
        if (c === LF || c === CR) {
          this.newline();
          indent = this.lineIndent = this.spaces();
        } else if (c === SPACE || c === TAB) this.spaces();
        else break;
      }
      let c = s.charCodeAt(this.pos);
      if (Number.isNaN(c)) unsure(); // unterminated
      if (indent !== -1 && indent < this.minIndent && c !== HASH) {
        // `yaml` lets the closing bracket of the outermost collection sit one column short
        if (!(indent === this.minIndent - 1 && depth === 1 && (c === RBRACKET || c === RBRACE))) unsure();
      }
      while (c === COMMA) {
        this.push(Kind.Comma, this.pos, this.pos + 1);
        this.pos++;
        this.spaces();
        this.flowKey = false;
        c = s.charCodeAt(this.pos);
      }
      this.flowIndicators();
      c = s.charCodeAt(this.pos);
      switch (c) {
        case HASH:
          this.comment();
          break;
        case LBRACKET:
        case LBRACE:
          this.push(c === LBRACKET ? Kind.SeqStart : Kind.MapStart, this.pos, this.pos + 1);
          this.pos++;
          this.flowKey = false;
          depth++;
          break;
        case RBRACKET:
        case RBRACE:
          this.push(c === RBRACKET ? Kind.SeqEnd : Kind.MapEnd, this.pos, this.pos + 1);
          this.pos++;
          this.flowKey = true;
          depth--;
          break;
        case SQUOTE:
        case DQUOTE:
          this.flowKey = true;
          this.quoted();
          break;
        case COLON:
          // not followed by white space or an indicator (those are taken above)
          if (!this.flowKey) unsure(); // a plain scalar starting with `:`
          this.flowKey = false;
          this.push(Kind.Colon, this.pos, this.pos + 1);
          this.pos++;
          this.spaces();
          break;
        case COMMA:
          // after a `:` (`{ k: , j }`): the Lexer has an empty plain scalar here
          this.flowKey = false;
          this.pushScalar(Kind.Plain, this.pos, this.pos);
          break;
        case STAR:
          throw unsure();
        default:
          if (c === LF || c === CR) break; // the next round takes the line break
          if (Number.isNaN(c)) unsure();
          this.flowKey = false;
          this.plain(true);
      }
    }
  }

  /** `:` and `-` followed by white space or a flow indicator, inside a flow collection. */
  private flowIndicators(): void {
    const s = this.text;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === BANG || c === AMP) unsure();
      if (c !== DASH && c !== COLON && c !== QUESTION) return;
      const next = s.charCodeAt(this.pos + 1);
      if (!isBlank(next) && !isFlowIndicator(next)) return;
      if (c === QUESTION) unsure();
      this.flowKey = false;
      this.push(c === DASH ? Kind.Dash : Kind.Colon, this.pos, this.pos + 1);
      this.pos++;
      this.spaces();
    }
  }

  /**
   * A plain scalar: up to `: `, ` #` (or, in a flow collection, a flow indicator), and over
   * line breaks while the next line continues it; trailing white space is not part of it.
   */
  private plain(inFlow: boolean): void {
    const s = this.text;
    const start = this.pos;
    if (isUnsurePlainStart(s.charCodeAt(start))) unsure();
    let end = start;
    let i = start;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === COLON) {
        const next = s.charCodeAt(i + 1);
        if (isBlank(next) || (inFlow && isFlowIndicator(next))) break;
        end = ++i;
      } else if (c === SPACE) {
        const next = s.charCodeAt(i + 1);
        if (next === HASH || (inFlow && isFlowIndicator(next))) break;
        i++;
      } else if (c === LF || c === CR) {
        const lf = c === CR ? i + 1 : i;
        const next = s.charCodeAt(lf + 1);
        if (next === HASH || (inFlow && isFlowIndicator(next))) break;
        const resume = this.continuation(lf + 1);
        if (resume < 0) break;
        // go on from the last space of the indentation, so that ` #` is still seen
        i = Math.max(lf, resume - 2) + 1;
      } else if (c === TAB) unsure();
      else if (Number.isNaN(c) || (inFlow && isFlowIndicator(c))) break;
      else end = ++i;
    }
    if (end === start) unsure();
    this.pushScalar(Kind.Plain, start, end);
    this.pos = end;
  }

  /** A single- or double-quoted scalar, as written (escapes included). */
  private quoted(): void {
    const s = this.text;
    const start = this.pos;
    let close: number;
    if (s.charCodeAt(start) === SQUOTE) {
      close = s.indexOf("'", start + 1);
      while (close !== -1 && s.charCodeAt(close + 1) === SQUOTE) close = s.indexOf("'", close + 2);
    } else {
      close = s.indexOf('"', start + 1);
      while (close !== -1 && isEscaped(s, close)) close = s.indexOf('"', close + 1);
    }
    if (close === -1) unsure(); // unterminated
    // every line it runs onto must continue it; `yaml` would end it early, with an error
    for (let i = start + 1; i < close; i++) {
      if (s.charCodeAt(i) === LF && this.continuation(i + 1) < 0) unsure();
    }
    this.pushScalar(s.charCodeAt(start) === SQUOTE ? Kind.SingleQuoted : Kind.DoubleQuoted, start, close + 1);
    this.pos = close + 1;
  }

  /**
   * A block scalar: its header line (header, spaces, comment, line break), then its body as
   * one token, from the line after the header to the last line break that belongs to it.
   */
  private blockScalar(): void {
    const s = this.text;
    const start = this.pos;
    let i = start + 1;
    let chomp = 0; // `-` or `+`, 0 for none
    let explicit = 0; // indentation indicator, 0 for none
    for (;;) {
      const c = s.charCodeAt(i);
      if ((c === PLUS || c === DASH) && chomp === 0) chomp = c;
      else if (c >= ONE && c <= NINE && explicit === 0) explicit = c - ZERO;
      else break;
      i++;
    }
    const after = s.charCodeAt(i);
    if (after !== SPACE && !isLineEnd(after)) unsure(); // `|+-`, `|22`, `|x`, `|#`, a tab
    this.push(Kind.BlockHeader, start, i);
    this.pos = i;
    this.spaces();
    const c = s.charCodeAt(this.pos);
    if (c === HASH) this.comment();
    else if (!isLineEnd(c)) unsure(); // text after the header
    this.newline();

    // the indentation of the first line that is not blank
    const body = this.pos;
    let lastLf = body - 1;
    let indent = 0;
    for (let k = body; ; k++) {
      const d = s.charCodeAt(k);
      if (d === SPACE) indent++;
      else if (d === LF) {
        lastLf = k;
        indent = 0;
      } else if (d !== CR) break;
    }
    // the lines that are blank or indented enough
    if (indent >= this.minIndent) {
      const min = explicit === 0 ? indent : explicit - 1 + (this.minIndent === 0 ? 1 : this.minIndent);
      if (min === 0) unsure(); // content at column 0: a root block scalar, or an error
      this.minIndent = min;
      for (;;) {
        const resume = this.continuation(lastLf + 1);
        if (resume < 0) break;
        lastLf = s.indexOf('\n', resume);
        if (lastLf < 0) {
          lastLf = this.len;
          break;
        }
      }
    }
    // (a tab among the white space after it is something `yaml` treats specially)
    let t = lastLf + 1;
    while (s.charCodeAt(t) === SPACE) t++;
    if (s.charCodeAt(t) === TAB) unsure();
    if (chomp !== PLUS) {
      // without `+`, trailing lines no more indented than its first one are left out of it
      for (;;) {
        let j = lastLf - 1;
        if (s.charCodeAt(j) === CR) j--;
        const lastChar = j;
        while (s.charCodeAt(j) === SPACE) j--;
        if (s.charCodeAt(j) === LF && j >= body && lastChar - j <= indent) lastLf = j;
        else break;
      }
    }
    const end = Math.max(body, Math.min(lastLf + 1, this.len));
    this.pushScalar(Kind.BlockBody, body, end);
    this.pos = end;
  }

  /**
   * Where a scalar that reached the line starting at `offset` resumes on it, or -1 when
   * that line ends it: a continuation line is blank or indented at least `minIndent`.
   * (With no minimum every line continues; the document markers that would not are never
   * scanned.)
   */
  private continuation(offset: number): number {
    if (this.minIndent === 0) return offset;
    const s = this.text;
    let k = offset;
    while (s.charCodeAt(k) === SPACE) k++;
    const c = s.charCodeAt(k);
    if (c === CR) return k + 1; // a blank CRLF line
    return c === LF || k - offset >= this.minIndent ? k : -1;
  }

  /** A run of spaces, as one token; its length. A tab in white space goes to the full path. */
  private spaces(): number {
    const s = this.text;
    const start = this.pos;
    let i = start;
    while (s.charCodeAt(i) === SPACE) i++;
    if (s.charCodeAt(i) === TAB) unsure();
    if (i > start) {
      // one string per length, shared: most of the tokens of a config are indentation
      this.emit(Kind.Space, start, i - start < SPACE_RUNS.length ? SPACE_RUNS[i - start]! : s.slice(start, i));
      this.pos = i;
    }
    return i - start;
  }

  /** A comment, to the end of its line; it must follow white space or start the line. */
  private comment(): void {
    const s = this.text;
    const start = this.pos;
    if (start > 0) {
      const before = s.charCodeAt(start - 1);
      if (before !== SPACE && before !== LF) unsure();
    }
    let end = s.indexOf('\n', start);
    if (end < 0) end = this.len;
    else if (s.charCodeAt(end - 1) === CR) end--;
    this.push(Kind.Comment, start, end);
    this.pos = end;
  }

  /** The line break at the current position, if any. */
  private newline(): void {
    const c = this.text.charCodeAt(this.pos);
    if (c !== LF && c !== CR) return;
    const source = c === CR ? '\r\n' : '\n';
    this.emit(Kind.Newline, this.pos, source);
    this.pos += source.length;
  }

  private push(kind: Kind, start: number, end: number): string {
    return this.emit(kind, start, this.text.slice(start, end));
  }

  private emit(kind: Kind, start: number, source: string): string {
    this.tokens.push({ kind, offset: start, source, line: this.line, col: start - this.lineStart, first: !this.seenOnLine });
    if (kind === Kind.Newline) {
      this.line++;
      this.lineStart = start + source.length;
      this.seenOnLine = false;
    } else if (kind !== Kind.Space) this.seenOnLine = true;
    return source;
  }

  /** A scalar token, which may span lines: the next token's line and column follow its last line break. */
  private pushScalar(kind: Kind, start: number, end: number): void {
    const source = this.push(kind, start, end);
    let lf = source.indexOf('\n');
    if (lf < 0) return;
    let last = lf;
    while (lf >= 0) {
      this.line++;
      last = lf;
      lf = source.indexOf('\n', lf + 1);
    }
    this.lineStart = start + last + 1;
    this.seenOnLine = this.lineStart !== end;
  }
}
