/**
 * `hl fmt`: the canonical layout of a config file, comments kept (the `yaml` package's
 * Document API). Two-space indentation; blocks and attributes stay in the user's order (as
 * Terraform's fmt, nothing is sorted) except that in a resource or data block the
 * meta-arguments come first in a fixed order (provider, count, for_each, depends_on), then
 * the attributes, and lifecycle last; a one-line string holding `${` is double-quoted, any
 * other one-line string is written plain when YAML reads it back as the same string; block
 * scalars (`|`, `>`) and flow collections (`{ a: 1 }`) stay as written. Formatting never
 * changes what the file means and formatting twice gives what formatting once gave.
 */
import { isMap, isPair, isScalar, parseDocument, Scalar, visit, type Pair, type YAMLMap } from 'yaml';

/** The meta-arguments of a resource or data block, in the order fmt puts them first. */
export const META_ARGUMENTS_FIRST = ['provider', 'count', 'for_each', 'depends_on'] as const;
/** Written last in a resource block. */
const LAST = ['lifecycle'];
/** The top-level sections whose entries are resource blocks. */
const BLOCK_SECTIONS = new Set(['resources', 'data']);

export type FormatResult = { text: string } | { problems: { message: string; line: number; col: number }[] };

export function formatYaml(text: string): FormatResult {
  const doc = parseDocument(text, { keepSourceTokens: false, prettyErrors: false });
  if (doc.errors.length > 0) {
    const lines = lineStarts(text);
    return { problems: doc.errors.map((e) => ({ message: e.message.split('\n')[0]!, ...position(lines, e.pos[0]) })) };
  }
  if (isMap(doc.contents)) {
    for (const section of doc.contents.items) {
      if (!isScalar(section.key) || !BLOCK_SECTIONS.has(String(section.key.value)) || !isMap(section.value)) continue;
      for (const block of section.value.items) if (isMap(block.value)) orderMetaArguments(block.value);
    }
  }
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || node.value.includes('\n')) return;
      if (node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL) return;
      node.type = node.value.includes('${') ? Scalar.QUOTE_DOUBLE : Scalar.PLAIN;
    },
  });
  const out = doc.toString({ indent: 2, indentSeq: true, lineWidth: 1_000_000, minContentWidth: 0, flowCollectionPadding: true });
  return { text: out };
}

/** provider, count, for_each, depends_on first (in that order), lifecycle last, the rest as written. */
function orderMetaArguments(body: YAMLMap): void {
  const name = (p: Pair): string => (isPair(p) && isScalar(p.key) ? String(p.key.value) : '');
  const rank = (p: Pair): number => {
    const i = (META_ARGUMENTS_FIRST as readonly string[]).indexOf(name(p));
    if (i >= 0) return i;
    return LAST.includes(name(p)) ? 2 * META_ARGUMENTS_FIRST.length : META_ARGUMENTS_FIRST.length;
  };
  const items = body.items as Pair[];
  const sorted = items.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i);
  if (sorted.some((s, i) => s.i !== i)) body.items = sorted.map((s) => s.p);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): { line: number; col: number } {
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
  return { line: line + 1, col: offset - starts[line]! + 1 };
}
