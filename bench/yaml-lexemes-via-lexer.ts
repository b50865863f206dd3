/**
 * The reference lexer of the YAML fast path: the `yaml` package's `Lexer` output,
 * classified into the positioned tokens of src/yaml/yaml-lexemes.ts. Each token knows its
 * offset, line, column and whether it is the first thing on its line.
 *
 * This was the fast path's lexer before the hand-written scanner of yaml-lexemes.ts; it is
 * kept as the yardstick that scanner is compared with (test/config/yaml-lexemes.test.ts)
 * and measured against (bench/engine-bench.ts). Only the lexemes of the common case are classified; an anchor,
 * alias, tag, directive, `?` key, document marker, byte-order mark, flow error or tab in
 * white space answers `undefined`, and so does a comment not separated from what precedes it.
 */
import { Lexer } from 'yaml';
import { Kind, type Lexeme, type Lexemes } from '../src/yaml/yaml-lexemes.js';

const DOCUMENT = '\u0002';
const SCALAR = '\u001f';

const FIXED: Record<string, Kind | undefined> = {
  '\n': Kind.Newline,
  '\r\n': Kind.Newline,
  '-': Kind.Dash,
  ':': Kind.Colon,
  ',': Kind.Comma,
  '[': Kind.SeqStart,
  ']': Kind.SeqEnd,
  '{': Kind.MapStart,
  '}': Kind.MapEnd,
};

/** Classified tokens of `text`, or `undefined` when it holds a lexeme outside the common case. */
export function lexemesViaYamlLexer(text: string): Lexemes | undefined {
  const tokens: Lexeme[] = [];
  let hasDocument = false;
  let offset = 0;
  let line = 0;
  let lineStart = 0;
  let seenOnLine = false;
  let atScalar = false;
  let inBlockHeader = false;
  let prev: Kind | undefined;

  for (const source of new Lexer().lex(text)) {
    let kind: Kind;
    if (atScalar) {
      atScalar = false;
      kind = inBlockHeader ? Kind.BlockBody : Kind.Plain;
    } else if (source === SCALAR) {
      atScalar = true;
      continue;
    } else if (source === DOCUMENT) {
      hasDocument = true;
      continue;
    } else {
      const fixed = FIXED[source];
      if (fixed !== undefined) kind = fixed;
      else {
        switch (source[0]) {
          case ' ':
            if (source.includes('\t')) return undefined;
            kind = Kind.Space;
            break;
          case '#':
            if (!(prev === Kind.Space || prev === Kind.Newline || offset === lineStart)) return undefined;
            kind = Kind.Comment;
            break;
          case "'":
            kind = Kind.SingleQuoted;
            break;
          case '"':
            kind = Kind.DoubleQuoted;
            break;
          case '|':
          case '>':
            kind = Kind.BlockHeader;
            break;
          default:
            return undefined; // tabs, anchors, aliases, tags, `?`, `---`, `...`, directives, flow errors, BOM
        }
      }
    }
    if (inBlockHeader && kind !== Kind.Space && kind !== Kind.Comment && kind !== Kind.Newline && kind !== Kind.BlockBody) return undefined;

    tokens.push({ kind, offset, source, line, col: offset - lineStart, first: !seenOnLine });
    if (kind !== Kind.Space && kind !== Kind.Newline) seenOnLine = true;
    prev = kind;

    if (kind === Kind.Newline) {
      line++;
      lineStart = offset + source.length;
      seenOnLine = false;
    } else if (kind === Kind.BlockHeader) inBlockHeader = true;
    else if (kind === Kind.BlockBody) inBlockHeader = false;
    if (kind === Kind.Plain || kind === Kind.SingleQuoted || kind === Kind.DoubleQuoted || kind === Kind.BlockBody) {
      let nl = source.indexOf('\n');
      if (nl >= 0) {
        let last = nl;
        while (nl >= 0) {
          line++;
          last = nl;
          nl = source.indexOf('\n', nl + 1);
        }
        lineStart = offset + last + 1;
        seenOnLine = lineStart !== offset + source.length;
      }
    }
    offset += source.length;
  }
  if (inBlockHeader) return undefined;
  return { tokens, hasDocument };
}
