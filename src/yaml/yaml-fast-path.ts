/**
 * A fast path from YAML text to the located `Node` tree (pure). It builds the tree from
 * the tokens of a hand scanner that reproduces the `yaml` package's lexer for the common
 * case (src/yaml/yaml-lexemes.ts), resolving scalars with
 * the package's own CST functions (`CST.resolveAsScalar`: quoting, escapes, folding,
 * block scalars) and core-schema tags (src/yaml/yaml-core-scalar.ts). That skips both
 * `yaml`'s generator-based Parser and the composition of `Document` nodes, the two costs
 * of `parseDocument` on large configs, and gives exactly the tree `parseDocument` gives
 * (kinds, values, `loc`, `keyLoc`, `style`).
 *
 * It accepts only the common case: one document of block and flow maps and sequences,
 * plain, quoted and block scalars, and comments, with nothing to report. Anything else —
 * anchors, aliases, merge keys, tags, directives, document markers, explicit or complex
 * keys, tabs in white space, duplicate keys, syntax errors, values the full path warns
 * about, or any arrangement this builder does not positively recognise — answers
 * `undefined`, and the caller takes the `parseDocument` path with its careful
 * diagnostics. test/config/yaml-fast-path.test.ts compares both paths over every YAML
 * file of the repo and over generated and mutated documents.
 */
import type { CST } from 'yaml';
import { lazyModule } from '../core/lazy-module.js';
import type { SourceLocation } from '../core/diagnostic.js';
import type { MapEntry, MapNode, Node, ScalarNode, SeqNode } from './node.js';
import { resolvePlainScalar } from './yaml-core-scalar.js';
import { Kind, lexemeStream, type Lexeme, type LexemeStream } from './yaml-lexemes.js';

/** Thrown inside the fast path when the document needs the full path; never escapes. */
class NeedsFullPath extends Error {}

function bail(): never {
  throw new NeedsFullPath();
}

/**
 * The located tree of `text` (byte-order mark already removed), or `undefined` when the
 * document is outside the common case and must go through `parseDocument`.
 */
export function fastYamlToNode(text: string, file: string): Node | undefined {
  try {
    const stream = lexemeStream(text);
    if (!stream) return undefined;
    return new TreeBuilder(file, stream).document(stream.hasDocument);
  } catch {
    // NeedsFullPath, or anything unexpected (a stack overflow on deep nesting): the
    // full path is always right, and reports what there is to report.
    return undefined;
  }
}

/** A longer implicit key is an error for `yaml` (1024 characters up to the ":"); leave those to it. */
const MAX_KEY_SPAN = 512;

/** `yaml` is loaded only for scalars the simple rules below do not cover (see `resolve`). */
const yaml = lazyModule<typeof import('yaml')>('yaml');

/** The escapes of a double-quoted scalar read here, as yaml's `escapeCodes` read them. */
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t' };

/**
 * The inside of a one-line double-quoted scalar with its everyday escapes (`\"`, `\\`, `\/`,
 * `\n`, `\t`) replaced, or undefined when it holds another escape (left to `yaml`).
 */
function simpleUnescape(inside: string): string | undefined {
  let i = inside.indexOf('\\');
  if (i < 0) return inside;
  let out = '';
  let from = 0;
  while (i >= 0) {
    const code = SIMPLE_ESCAPES[inside[i + 1] ?? ''];
    if (code === undefined) return undefined;
    out += inside.slice(from, i) + code;
    from = i + 2;
    i = inside.indexOf('\\', from);
  }
  return out + inside.slice(from);
}

/** First characters yaml reports on in a plain scalar (its `plainValue`). */
const BAD_PLAIN_START = new Set(['\t', ',', '%', '|', '>', '@', '`']);

const CST_TYPE: Partial<Record<Kind, CST.FlowScalar['type']>> = {
  [Kind.Plain]: 'scalar',
  [Kind.SingleQuoted]: 'single-quoted-scalar',
  [Kind.DoubleQuoted]: 'double-quoted-scalar',
};

const SOURCE_TYPE: Partial<Record<Kind, CST.SourceToken['type']>> = {
  [Kind.BlockHeader]: 'block-scalar-header',
  [Kind.Space]: 'space',
  [Kind.Comment]: 'comment',
  [Kind.Newline]: 'newline',
};

function isFlowScalar(t: Lexeme | undefined): boolean {
  return t !== undefined && (t.kind === Kind.Plain || t.kind === Kind.SingleQuoted || t.kind === Kind.DoubleQuoted);
}

/**
 * Recursive descent over the tokens. Block collections are delimited by columns as
 * `yaml`'s Parser does: a map's keys, a sequence's dashes all start at one column, on
 * lines of their own (but the first, which may follow `- `); a value on the lines below
 * its key is more indented, except a sequence, which may sit at its key's column.
 */
class TreeBuilder {
  private p = 0;

  constructor(
    private readonly file: string,
    private readonly tokens: LexemeStream,
  ) {}

  /** The token at `i` (never before the current one), or undefined past the last one. */
  private tok(i: number): Lexeme | undefined {
    return this.tokens.at(i, this.p);
  }

  document(hasDocument: boolean): Node {
    this.skipBlank();
    if (this.tok(this.p) === undefined) {
      if (hasDocument) bail();
      return { kind: 'map', entries: [], loc: { file: this.file, line: 1, col: 1 } };
    }
    const root = this.blockNode(-1, true);
    this.skipBlank();
    if (this.tok(this.p) !== undefined) bail();
    if (root.kind === 'scalar' && root.value === null) return { kind: 'map', entries: [], loc: root.loc };
    return root;
  }

  /** The node starting at the current token, inside a block collection indented `parent`. */
  private blockNode(parent: number, atRoot = false): Node {
    const t = this.tok(this.p)!;
    if (t.kind === Kind.Dash) return this.blockSeq(t.col);
    if (this.isKey(this.p)) return this.blockMap(t.col);
    return this.inlineValue(parent, atRoot);
  }

  /** A scalar, block scalar or flow collection; nothing else may follow on its line. */
  private inlineValue(parent: number, atRoot = false): Node {
    const t = this.tok(this.p)!;
    if (t.kind === Kind.BlockHeader) {
      if (atRoot) bail(); // the composer checks a root block scalar differently
      return this.blockScalar(parent);
    }
    const node = this.flowNode(parent);
    this.lineEnd();
    return node;
  }

  private blockMap(col: number): MapNode {
    const entries: MapEntry[] = [];
    const seen = new Set<string>();
    const loc = this.at(this.tok(this.p)!);
    for (;;) {
      const keyToken = this.tok(this.p)!;
      const key = this.key(keyToken);
      this.p++;
      this.skipSpaces();
      const colon = this.tok(this.p);
      if (colon?.kind !== Kind.Colon) bail();
      if (colon.offset - keyToken.offset > MAX_KEY_SPAN) bail();
      if (seen.has(key)) bail(); // duplicate keys: reported with both locations by the full path
      seen.add(key);
      this.p++;
      entries.push({ key, keyLoc: this.at(keyToken), value: this.valueAfter(colon, col, true) });

      this.skipBlank();
      const next = this.tok(this.p);
      if (!next || next.col < col) break;
      if (!next.first || next.col > col || !this.isKey(this.p)) bail();
    }
    return { kind: 'map', entries, loc };
  }

  private blockSeq(col: number): SeqNode {
    const items: Node[] = [];
    const loc = this.at(this.tok(this.p)!);
    for (;;) {
      const dash = this.tok(this.p)!;
      this.p++;
      items.push(this.valueAfter(dash, col, false));

      this.skipBlank();
      const next = this.tok(this.p);
      if (!next || next.col < col) break;
      if (!next.first || next.col > col) bail();
      if (next.kind !== Kind.Dash) break; // a key of the map this sequence is a value of
    }
    return { kind: 'seq', items, loc };
  }

  /** The value after a `:` (map) or `-` (sequence) indicator of a collection at column `col`. */
  private valueAfter(indicator: Lexeme, col: number, inMap: boolean): Node {
    const space = this.tok(this.p);
    const emptyAt = space?.kind === Kind.Space ? this.afterToken(space) : this.afterToken(indicator);
    this.skipSpaces();
    const t = this.tok(this.p);
    if (!t || t.kind === Kind.Newline || t.kind === Kind.Comment) {
      // the value is on the lines below, or absent
      this.skipBlank();
      const below = this.tok(this.p);
      if (below?.first && (below.col > col || (inMap && below.col === col && below.kind === Kind.Dash))) return this.blockNode(col);
      return { kind: 'scalar', value: null, loc: emptyAt };
    }
    // the value starts on the indicator's line
    if (t.kind === Kind.Dash) {
      if (inMap) bail(); // `a: - b`
      return this.blockSeq(t.col);
    }
    if (this.isKey(this.p)) {
      if (inMap) bail(); // `a: b: c`
      return this.blockMap(t.col);
    }
    return this.inlineValue(col);
  }

  /** A block scalar in a collection indented `parent` (its explicit indentation counts from there). */
  private blockScalar(parent: number): ScalarNode {
    const header = this.tok(this.p)!;
    const props: CST.SourceToken[] = [];
    let source = '';
    for (let t = this.tok(this.p); t !== undefined; t = this.tok(++this.p)) {
      if (t.kind === Kind.BlockBody) {
        source = t.source;
        this.p++;
        break;
      }
      const type = SOURCE_TYPE[t.kind];
      if (type === undefined) bail();
      props.push({ type, offset: t.offset, indent: parent, source: t.source });
    }
    const token: CST.BlockScalar = { type: 'block-scalar', offset: header.offset, indent: parent, props, source };
    const r = yaml().CST.resolveAsScalar(token, true, bail);
    if (r.type === null) bail();
    return { kind: 'scalar', value: r.value, loc: this.at(header), style: 'block' };
  }

  /** A scalar or flow collection inside a block collection indented `parent`. */
  private flowNode(parent: number): Node {
    const t = this.tok(this.p)!;
    if (isFlowScalar(t)) {
      this.p++;
      return this.scalar(t);
    }
    if (t.kind === Kind.SeqStart || t.kind === Kind.MapStart) return this.flowCollection(parent);
    return bail();
  }

  private flowCollection(parent: number): MapNode | SeqNode {
    const open = this.tok(this.p)!;
    const isMap = open.kind === Kind.MapStart;
    const close = isMap ? Kind.MapEnd : Kind.SeqEnd;
    this.p++;
    const entries: MapEntry[] = [];
    const items: Node[] = [];
    const seen = new Set<string>();
    let expectItem = true;
    for (;;) {
      this.skipFlowBlank(parent);
      const t = this.tok(this.p);
      if (!t) bail();
      if (t.kind === close) {
        this.p++;
        break;
      }
      if (t.kind === Kind.Comma) {
        if (expectItem) bail(); // `[, a]`, `[a,, b]`
        expectItem = true;
        this.p++;
        continue;
      }
      if (!expectItem) bail(); // a missing comma, or `[a: b]`
      expectItem = false;
      if (!isMap) {
        items.push(this.flowNode(parent));
        continue;
      }
      const key = this.key(t);
      this.p++;
      this.skipSpaces();
      const colon = this.tok(this.p);
      if (colon?.kind !== Kind.Colon) bail(); // `{ a }`
      if (seen.has(key)) bail();
      seen.add(key);
      this.p++;
      const space = this.tok(this.p);
      const emptyAt = space?.kind === Kind.Space ? this.afterToken(space) : this.afterToken(colon);
      this.skipFlowBlank(parent);
      const v = this.tok(this.p);
      const value: Node =
        v && (v.kind === Kind.Comma || v.kind === close) ? { kind: 'scalar', value: null, loc: emptyAt } : this.flowNode(parent);
      entries.push({ key, keyLoc: this.at(t), value });
    }
    const loc = this.at(open);
    return isMap ? { kind: 'map', entries, loc } : { kind: 'seq', items, loc };
  }

  /** A map key: a one-line flow scalar, as the string it resolves to. */
  private key(t: Lexeme): string {
    if (!isFlowScalar(t) || t.source.includes('\n')) bail();
    const text = this.resolve(t).value;
    if (t.kind === Kind.Plain && (text === '<<' || text === '')) bail(); // merge key
    return text;
  }

  private scalar(t: Lexeme): ScalarNode {
    const text = this.resolve(t).value;
    const loc = this.at(t);
    const value = t.kind === Kind.Plain ? resolvePlainScalar(text) : text;
    if (value === undefined) bail();
    if (typeof value !== 'string') return { kind: 'scalar', value, loc };
    const style = t.source.includes('\n')
      ? 'block'
      : t.kind === Kind.SingleQuoted
        ? 'single'
        : t.kind === Kind.DoubleQuoted
          ? 'double'
          : 'plain';
    return { kind: 'scalar', value, loc, style };
  }

  /**
   * The string a flow scalar stands for. One-line scalars without escapes — nearly all of a
   * config — are read here as `yaml` reads them (its resolve-flow-scalar: a plain scalar is
   * its text, a single-quoted one its inside with `''` as `'`, a double-quoted one its inside
   * with the everyday escapes, see `simpleUnescape`); the rest goes to `yaml`'s own
   * `CST.resolveAsScalar`.
   */
  private resolve(t: Lexeme): { value: string } {
    const src = t.source;
    if (!src.includes('\n') && !src.includes('\r')) {
      if (t.kind === Kind.Plain && src.length > 0 && !BAD_PLAIN_START.has(src[0]!)) return { value: src };
      if (t.kind === Kind.SingleQuoted && src.length > 1 && src.endsWith("'")) return { value: src.slice(1, -1).replace(/''/g, "'") };
      if (t.kind === Kind.DoubleQuoted && src.length > 1 && src.endsWith('"')) {
        const value = simpleUnescape(src.slice(1, -1));
        if (value !== undefined) return { value };
      }
    }
    const token: CST.FlowScalar = { type: CST_TYPE[t.kind]!, offset: t.offset, indent: 0, source: src };
    return yaml().CST.resolveAsScalar(token, true, bail);
  }

  /** Whether the token at `i` starts an implicit key: a flow scalar followed on its line by `:`. */
  private isKey(i: number): boolean {
    if (!isFlowScalar(this.tok(i))) return false;
    let j = i + 1;
    while (this.tok(j)?.kind === Kind.Space) j++;
    return this.tok(j)?.kind === Kind.Colon;
  }

  /** After a value: only spaces and a comment until the end of the line. */
  private lineEnd(): void {
    this.skipSpaces();
    const t = this.tok(this.p);
    if (t && t.kind !== Kind.Newline && t.kind !== Kind.Comment) bail();
  }

  private skipSpaces(): void {
    while (this.tok(this.p)?.kind === Kind.Space) this.p++;
  }

  private skipBlank(): void {
    for (;;) {
      const k = this.tok(this.p)?.kind;
      if (k !== Kind.Space && k !== Kind.Newline && k !== Kind.Comment) return;
      this.p++;
    }
  }

  /** Blank space inside a flow collection: lines it continues on must be indented past `parent`. */
  private skipFlowBlank(parent: number): void {
    for (;;) {
      const t = this.tok(this.p);
      if (!t) return;
      if (t.kind !== Kind.Space && t.kind !== Kind.Newline && t.kind !== Kind.Comment) {
        if (t.first && t.col <= parent) bail();
        return;
      }
      if (t.kind === Kind.Comment && t.first && t.col <= parent) bail();
      this.p++;
    }
  }

  private at(t: Lexeme): SourceLocation {
    return { file: this.file, line: t.line + 1, col: t.col + 1 };
  }

  /** Where an absent value is placed: just after `t`, on its line. */
  private afterToken(t: Lexeme): SourceLocation {
    return { file: this.file, line: t.line + 1, col: t.col + t.source.length + 1 };
  }
}
