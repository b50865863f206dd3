/**
 * YAML text → the located `Node` tree (pure). Every node records where its value starts
 * (file:line:col, 1-based) and every map entry where its key starts, so later stages can
 * point at the exact spot of a problem.
 *
 * YAML 1.2 core schema (`yes`/`on` stay strings). Aliases are resolved (the aliased node
 * takes the location of the `*alias`, its children keep the anchor's), merge keys `<<`
 * are applied, non-string keys become strings as written (`1.0: x` → key "1.0").
 * Rejected with a diagnostic: syntax errors (only the first, the rest are usually
 * follow-on noise), duplicate keys, unknown or recursive aliases, tags other than the
 * core ones, binary data, maps or lists used as keys, and non-finite numbers.
 */
import type { Alias, Document } from 'yaml';
import { lazyModule } from '../core/lazy-module.js';
import { error, formatLocation, warning, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import type { MapEntry, MapNode, Node, ScalarNode } from './node.js';
import { describeYamlError, yamlErrorOffset } from './yaml-error-message.js';
import { fastYamlToNode } from './yaml-fast-path.js';
import { MAX_NESTING, nestingProblem } from './nesting-limit.js';

/** `yaml`'s full parser, loaded only for documents the fast path leaves to it. */
const yaml = lazyModule<typeof import('yaml')>('yaml');

/** A YAML file to parse: its path (named in locations) and its text. */
export interface YamlFile {
  path: string;
  text: string;
}

export interface YamlParseResult {
  /** Absent when the text is not valid YAML. */
  node?: Node;
  diagnostics: Diagnostic[];
}

/** Tags that only restate what YAML infers anyway; anything else is refused. */
const CORE_TAGS = new Set([
  '!',
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

/** Upper bound on nodes reached through aliases ("billion laughs" protection). */
const MAX_ALIAS_EXPANSION = 1_000_000;

export function parseYamlFile(file: YamlFile): YamlParseResult {
  const text = file.text.startsWith('\uFEFF') ? file.text.slice(1) : file.text;
  // the common case, straight from the lexer's tokens (yaml-fast-path.ts); anything else,
  // and everything there is to report, takes the full path below
  const fast = fastYamlToNode(text, file.path);
  const result = fast ? { node: fast, diagnostics: [] } : parseYamlDocumentGuarded(file.path, text);
  const tooDeep = result.node && nestingProblem(result.node);
  return tooDeep ? { diagnostics: [...result.diagnostics, tooDeep] } : result;
}

/** The full path, with a document too deeply nested for the YAML parser itself reported as such. */
function parseYamlDocumentGuarded(path: string, text: string): YamlParseResult {
  try {
    const r = parseYamlDocument(path, text);
    // the parser may also catch its own stack overflow and report it as a syntax error
    if (!r.node && r.diagnostics.some((d) => /maximum call stack/i.test(d.summary))) return { diagnostics: [tooDeepError(path)] };
    return r;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { diagnostics: [tooDeepError(path)] };
  }
}

function tooDeepError(path: string): Diagnostic {
  return error(
    `The config nests maps and lists more than ${MAX_NESTING} levels deep`,
    { file: path, line: 1, col: 1 },
    'No hl config needs that; check for a runaway structure.',
  );
}

/**
 * The full path: compose a `yaml` Document and convert it, with a diagnostic for every
 * problem. Exported for the differential test of the fast path.
 */
export function parseYamlDocument(path: string, text: string): YamlParseResult {
  const lineCounter = new (yaml().LineCounter)();
  const doc = yaml().parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: false, // reported by the converter, with both locations
    merge: false, // `<<` is applied by the converter, also under a %YAML 1.1 directive
    keepSourceTokens: false,
  });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: path, line, col };
  };

  const first = doc.errors[0];
  if (first) {
    const { summary, detail } = describeYamlError(first.code, first.message);
    return { diagnostics: [error(summary, at(yamlErrorOffset(first.code, first.message, text, first.pos[0])), detail)] };
  }
  const diagnostics: Diagnostic[] = [];
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') continue; // reported as an unsupported tag below
    diagnostics.push(warning(`YAML: ${w.message}`, at(w.pos[0])));
  }
  const converter = new Converter(text, doc, at, diagnostics);
  const contents = doc.contents;
  if (contents === null || (yaml().isScalar(contents) && contents.value === null && !contents.tag)) {
    const loc = contents ? at(contents.range[0]) : { file: path, line: 1, col: 1 };
    return { node: { kind: 'map', entries: [], loc }, diagnostics };
  }
  return { node: converter.convert(contents, 0), diagnostics };
}

type YamlDoc = Document.Parsed;
type Range = [number, number, number];

class Converter {
  /** Converted anchored nodes, shared by every alias to them. */
  private readonly anchored = new Map<unknown, Node>();
  private readonly inProgress = new Set<unknown>();
  private readonly sizes = new WeakMap<Node, number>();
  private aliasExpansion = 0;
  private expansionReported = false;

  private readonly lineOf = (offset: number): number => this.at(offset).line;

  constructor(
    private readonly text: string,
    private readonly doc: YamlDoc,
    private readonly at: (offset: number) => SourceLocation,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** `fallback` is the offset used when the value is absent (`? key` without `: value`). */
  convert(y: unknown, fallback: number): Node {
    if (y === null || y === undefined) return this.nullAt(this.at(fallback));
    if (yaml().isAlias(y)) return this.alias(y);
    const node = y as { range?: Range | null; tag?: string; anchor?: string };
    const start = node.range?.[0] ?? fallback;
    const loc = this.at(start);
    if (node.tag !== undefined && !CORE_TAGS.has(node.tag)) {
      this.reportTag(node.tag, this.at(this.tagOffset(node.tag, start)));
      return yaml().isScalar(y) ? this.scalarFromSource(y, loc) : this.nullAt(loc);
    }
    if (node.anchor !== undefined) {
      const done = this.anchored.get(y);
      if (done) return done;
    }
    this.inProgress.add(y);
    let out: Node;
    if (yaml().isMap(y)) out = this.map(y.items as RawPair[], loc);
    else if (yaml().isSeq(y)) out = { kind: 'seq', items: y.items.map((item) => this.convert(item, node.range?.[0] ?? fallback)), loc };
    else if (yaml().isScalar(y)) out = this.scalar(y.value, y.source, loc, scalarStyle(y.type, node.range, this.lineOf));
    else out = this.nullAt(loc);
    this.inProgress.delete(y);
    if (node.anchor !== undefined) this.anchored.set(y, out);
    return out;
  }

  private alias(a: Alias): Node {
    const loc = this.at(a.range?.[0] ?? 0);
    const target = a.resolve(this.doc);
    if (target === undefined) {
      this.diagnostics.push(error(`Unknown alias "*${a.source}"`, loc, `No anchor "&${a.source}" is defined before this point.`));
      return this.nullAt(loc);
    }
    if (this.inProgress.has(target)) {
      this.diagnostics.push(error(`Recursive alias "*${a.source}": it refers to a node that contains it`, loc));
      return this.nullAt(loc);
    }
    const resolved = this.convert(target, a.range?.[0] ?? 0);
    this.aliasExpansion += this.sizeOf(resolved);
    if (this.aliasExpansion > MAX_ALIAS_EXPANSION) {
      if (!this.expansionReported) {
        this.diagnostics.push(
          error(
            `Aliases expand to more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} nodes`,
            loc,
            'Simplify the anchors and aliases in this file.',
          ),
        );
        this.expansionReported = true;
      }
      return this.nullAt(loc);
    }
    return { ...resolved, loc };
  }

  private map(pairs: RawPair[], loc: SourceLocation): MapNode {
    /** Explicit entries and merge groups in source order; flattened at the end. */
    const slots: ({ entry: MapEntry } | { merged: MapEntry[] })[] = [];
    const seen = new Map<string, SourceLocation>();
    for (const pair of pairs) {
      const rawKey = pair.key;
      const keyRange = (rawKey as { range?: Range | null } | null)?.range;
      const afterKey = keyRange?.[1] ?? 0;
      if (yaml().isScalar(rawKey) && rawKey.type === 'PLAIN' && rawKey.value === '<<' && !rawKey.tag) {
        slots.push({ merged: this.mergeSources(pair.value, afterKey) });
        continue;
      }
      const key = this.key(rawKey, keyRange?.[0] ?? 0);
      if (key === undefined) continue;
      const value = this.convert(pair.value, afterKey);
      const first = seen.get(key.text);
      if (first) {
        this.diagnostics.push(error(`Duplicate key "${key.text}"; first defined at ${formatLocation(first)}`, key.loc));
        continue;
      }
      seen.set(key.text, key.loc);
      slots.push({ entry: { key: key.text, keyLoc: key.loc, value } });
    }
    const entries: MapEntry[] = [];
    const taken = new Set(seen.keys());
    for (const slot of slots) {
      if ('entry' in slot) {
        entries.push(slot.entry);
        continue;
      }
      for (const e of slot.merged) {
        if (taken.has(e.key)) continue;
        taken.add(e.key);
        entries.push(e);
      }
    }
    return { kind: 'map', entries, loc };
  }

  /** The entries a `<<` key brings in: from a map, or a list of maps (earlier ones win). */
  private mergeSources(raw: unknown, fallback: number): MapEntry[] {
    const value = this.convert(raw, fallback);
    const sources = value.kind === 'seq' ? value.items : [value];
    const out: MapEntry[] = [];
    const taken = new Set<string>();
    for (const src of sources) {
      if (src.kind !== 'map') {
        this.diagnostics.push(error('A merge key "<<" takes a map or a list of maps', src.loc, 'For example: <<: *defaults'));
        continue;
      }
      for (const e of src.entries) {
        if (taken.has(e.key)) continue;
        taken.add(e.key);
        out.push(e);
      }
    }
    return out;
  }

  private key(raw: unknown, offset: number): { text: string; loc: SourceLocation } | undefined {
    let k = raw;
    let loc = this.at(offset);
    if (yaml().isAlias(k)) k = k.resolve(this.doc);
    if (k === null || k === undefined) {
      this.diagnostics.push(error('Empty map key', loc));
      return undefined;
    }
    if (yaml().isScalar(k)) {
      if (k.tag !== undefined && !CORE_TAGS.has(k.tag)) {
        this.reportTag(k.tag, this.at(this.tagOffset(k.tag, offset)));
        return undefined;
      }
      if (k.value === null && (k.source === undefined || k.source === '')) {
        this.diagnostics.push(error('Empty map key', loc));
        return undefined;
      }
      const text = typeof k.value === 'string' ? k.value : (k.source ?? String(k.value));
      return { text, loc };
    }
    const range = (k as { range?: Range | null }).range;
    if (range) loc = this.at(range[0]);
    this.diagnostics.push(
      error('A map key must be a plain value, not a map or a list', loc, 'Complex keys ("? [a, b]") are not supported.'),
    );
    return undefined;
  }

  private scalar(value: unknown, source: string | undefined, loc: SourceLocation, style: ScalarStyle): ScalarNode {
    if (typeof value === 'string') {
      const node: StyledScalar = { kind: 'scalar', value, loc, style };
      return node;
    }
    if (value === null || typeof value === 'boolean') return { kind: 'scalar', value, loc };
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) {
        this.diagnostics.push(
          error(`Unsupported number "${source ?? String(value)}": numbers must be finite`, loc, 'Quote it to use it as a string.'),
        );
        return { kind: 'scalar', value: source ?? String(value), loc };
      }
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
        this.diagnostics.push(
          warning(
            `Integer "${source ?? String(value)}" is too large to be represented exactly`,
            loc,
            'Quote it if it is an identifier rather than a number.',
          ),
        );
      }
      return { kind: 'scalar', value, loc };
    }
    if (typeof value === 'bigint') return { kind: 'scalar', value: Number(value), loc };
    this.diagnostics.push(error('Unsupported YAML value', loc, 'Only strings, numbers, booleans, null, maps and lists are allowed.'));
    return { kind: 'scalar', value: source ?? null, loc };
  }

  private scalarFromSource(y: { source?: string }, loc: SourceLocation): ScalarNode {
    return { kind: 'scalar', value: y.source ?? null, loc };
  }

  /** Where the tag of the node starting at `start` is written (the node itself if not found). */
  private tagOffset(tag: string, start: number): number {
    for (const written of [shownTag(tag), `!<${tag}>`]) {
      const i = this.text.lastIndexOf(written, start);
      if (i >= 0 && start - i < 1024) return i;
    }
    return start;
  }

  private reportTag(tag: string, loc: SourceLocation): void {
    const shown = shownTag(tag);
    if (shown === '!!binary') {
      this.diagnostics.push(
        error('Binary data (!!binary) is not supported', loc, 'Write the data as a plain (for example base64) string without the tag.'),
      );
    } else {
      this.diagnostics.push(
        error(
          `Unsupported YAML tag "${shown}"`,
          loc,
          'Only plain strings, numbers, booleans, null, maps and lists are allowed; remove the tag.',
        ),
      );
    }
  }

  private nullAt(loc: SourceLocation): ScalarNode {
    return { kind: 'scalar', value: null, loc };
  }

  private sizeOf(node: Node): number {
    const known = this.sizes.get(node);
    if (known !== undefined) return known;
    let size = 1;
    if (node.kind === 'map') for (const e of node.entries) size += this.sizeOf(e.value);
    else if (node.kind === 'seq') for (const item of node.items) size += this.sizeOf(item);
    this.sizes.set(node, size);
    return size;
  }
}

/**
 * How a string scalar was written, recorded as an extra `style` field so expression errors
 * can be located at the exact column inside it (see src/lang/source-locator.ts). A scalar
 * spanning several lines counts as `block`: columns inside it cannot be computed.
 */
export type ScalarStyle = 'plain' | 'single' | 'double' | 'block';
export type StyledScalar = ScalarNode & { style?: ScalarStyle };

function scalarStyle(type: string | undefined, range: Range | null | undefined, lineOf: (offset: number) => number): ScalarStyle {
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') return 'block';
  if (range && lineOf(range[1]) !== lineOf(range[0])) return 'block';
  if (type === 'QUOTE_SINGLE') return 'single';
  if (type === 'QUOTE_DOUBLE') return 'double';
  return 'plain';
}

function shownTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

interface RawPair {
  key: unknown;
  value: unknown;
}
