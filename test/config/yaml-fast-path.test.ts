/**
 * The YAML fast path (src/config/yaml-fast-path.ts) against the full `parseDocument` path,
 * node by node: whenever the fast path answers, the full path must give no diagnostic and
 * exactly the same tree (kinds, values, `loc`, `keyLoc`, `style`). Run over every YAML
 * file of the repo, generated documents, mutated copies of both, and random token soup;
 * plus the cases it must leave to the full path.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/yaml/node.js';
import { fastYamlToNode } from '../../src/yaml/yaml-fast-path.js';
import { parseYamlDocument, parseYamlFile } from '../../src/yaml/yaml-to-node.js';
import { syntheticConfig } from '../../bench/synthetic-config.js';
import { generate, many, mutate, pick, repoYamlFiles, rng, soup } from './yaml-samples.js';

/** Where the two paths disagree, or undefined; `accepted` says whether the fast path answered. */
function compare(text: string): { accepted: boolean; problem?: string } {
  const fast = fastYamlToNode(text, 'f.yaml');
  if (!fast) return { accepted: false };
  const full = parseYamlDocument('f.yaml', text);
  if (full.diagnostics.length > 0) return { accepted: true, problem: `full path reports ${full.diagnostics.map((d) => d.summary).join('; ')}` };
  const diff = firstDifference(fast, full.node);
  return diff === undefined ? { accepted: true } : { accepted: true, problem: diff };
}

function firstDifference(a: unknown, b: unknown, at = '$'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return `${at}: fast ${JSON.stringify(a)}, full ${JSON.stringify(b)}`;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return `${at}: differs`;
}

function disagreements(texts: Iterable<string>): { accepted: number; total: number; failures: string[] } {
  let accepted = 0;
  let total = 0;
  const failures: string[] = [];
  for (const text of texts) {
    total++;
    const r = compare(text);
    if (r.accepted) accepted++;
    if (r.problem && failures.length < 10) failures.push(`${JSON.stringify(text.length > 400 ? text.slice(0, 400) + '…' : text)}: ${r.problem}`);
  }
  return { accepted, total, failures };
}

// ---- generated documents -------------------------------------------------------------

const files = repoYamlFiles();
const texts = files.map((f) => readFileSync(f, 'utf8').replace(/^\uFEFF/, ''));

describe('YAML fast path: same tree as parseDocument', () => {
  it('over every YAML file of the repo, answering for all examples and most of the corpus', () => {
    expect(files.length).toBeGreaterThan(50);
    const r = disagreements(texts);
    expect(r.failures).toEqual([]);
    for (const f of files.filter((x) => x.startsWith('examples'))) expect(fastYamlToNode(readFileSync(f, 'utf8'), f), f).toBeDefined();
    expect(r.accepted / r.total).toBeGreaterThan(0.75);
  });

  it('over the benchmark config', () => {
    const r = disagreements([syntheticConfig(300, 10)]);
    expect(r.failures).toEqual([]);
    expect(r.accepted).toBe(1);
  });

  it('over generated documents', () => {
    const r = disagreements(many(2000, (i) => generate(rng(1000 + i))));
    expect(r.failures).toEqual([]);
    expect(r.accepted).toBeGreaterThan(400);
  });

  it('over mutated copies of the repo files and of generated documents', () => {
    const r = rng(42);
    const fromRepo = disagreements(many(2000, () => mutate(r, pick(r, texts))));
    const fromGenerated = disagreements(many(1000, (i) => mutate(r, generate(rng(5000 + i)))));
    expect([...fromRepo.failures, ...fromGenerated.failures]).toEqual([]);
    expect(fromRepo.accepted).toBeGreaterThan(300);
  });

  it('over random token soup', () => {
    const r = rng(7);
    const result = disagreements(many(10_000, () => soup(r)));
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBeGreaterThan(1000);
  });
});

describe('YAML fast path: the common case', () => {
  const cases: [string, string][] = [
    ['core-schema typing', 'a: ~\nb: null\nc: Null\nd: true\ne: False\nf: 12\ng: -7\nh: 0x1F\ni: 0o17\nj: 1.5\nk: 1e3\nl: .5\nm: yes\nn: on\no: 0777\np: 1_000\nq: "12"\n'],
    ['string styles', "a: plain\nb: 'single'\nc: \"double\"\nd: |\n  block\ne: >-\n  folded\n  text\nf: two\n  lines\ng: \"two\n  lines\"\n"],
    ['escapes and quotes', 'a: "tab\\t \\x41 \\u00e9 \\" \\\\"\nb: \'it\'\'s\'\n"quoted key": 1\n\'single key\': 2\n'],
    ['empty values', 'a:\nb: # comment\nc:   \nlist:\n  -\n  - x\n  -   # c\nflow: { k: , j: }\n'],
    ['nested blocks and compact forms', 'a:\n  b:\n    - x\n    - y: 1\n      z: 2\n    - - p\n      - q\nseq:\n- at the key column\nafter: 1\n'],
    ['flow collections', 'a: [1, "two", [3, {k: v}], ]\nb: {x: 1, "y": [2], z: {}}\nc: [\n    multi,\n    line\n  ]\n'],
    ['block scalars with indicators', 'a: |+\n  keep\n\nb: >2\n    more\n  indented\nlist:\n  - |-2\n      x\n'],
    ['comments everywhere', '# head\na: 1 # trailing\n# between\n  # indented\nb:\n  # inside\n  c: 2\n# tail\n'],
    ['CRLF line ends', 'a: 1\r\nb:\r\n  - x\r\n  - "y"\r\n'],
    ['a root sequence', '- a\n- b: 1\n'],
    ['a root scalar', 'just text\n'],
    ['a null document', '~\n'],
    ['comments only', '# nothing\n\n'],
    ['an empty file', ''],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const fast = fastYamlToNode(text, 'main.yaml');
      expect(fast, 'the fast path answers').toBeDefined();
      const full = parseYamlDocument('main.yaml', text);
      expect(full.diagnostics).toEqual([]);
      expect(fast).toStrictEqual(full.node);
    });
  }

  it('is what parseYamlFile uses, byte-order mark removed', () => {
    const text = '\uFEFFa: 1\nb: [x]\n';
    expect(parseYamlFile({ path: 'main.yaml', text })).toStrictEqual({ node: fastYamlToNode(text.slice(1), 'main.yaml'), diagnostics: [] });
  });

  it('places absent values where the full path does', () => {
    const node = fastYamlToNode('a:   # c\nb: [ ]\nc:\n  -\n', 'main.yaml') as Extract<Node, { kind: 'map' }>;
    expect(node.entries[0]!.value).toEqual({ kind: 'scalar', value: null, loc: { file: 'main.yaml', line: 1, col: 6 } });
    const c = node.entries[2]!.value as Extract<Node, { kind: 'seq' }>;
    expect(c.items[0]).toEqual({ kind: 'scalar', value: null, loc: { file: 'main.yaml', line: 4, col: 4 } });
  });
});

describe('YAML fast path: left to the full path', () => {
  const cases: [string, string][] = [
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['merge keys', 'base: {a: 1}\nc:\n  <<: {a: 1}\n'],
    ['tags', 'a: !!str 1\n'],
    ['custom tags', 'a: !vault x\n'],
    ['directives', '%YAML 1.2\n---\na: 1\n'],
    ['document markers', '---\na: 1\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['explicit keys', '? a\n: 1\n'],
    ['complex keys', '[a, b]: 1\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['duplicate keys in a flow map', 'a: {x: 1, x: 2}\n'],
    ['tabs in indentation', 'a:\n\tb: 1\n'],
    ['an unterminated quote', 'a: "x\n'],
    ['a bad escape', 'a: "\\q"\n'],
    ['an unclosed flow sequence', 'a: [1, 2\nb: 3\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a nested map on one line', 'a: b: c\n'],
    ['non-finite numbers', 'a: .inf\n'],
    ['integers too large to be exact', 'a: 9007199254740993\n'],
    ['a comment glued to a value', "a: 'x'#c\n"],
    ['a flow map key without value', '{ a }\n'],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      expect(fastYamlToNode(text, 'main.yaml')).toBeUndefined();
      // and parseYamlFile still reports exactly what the full path reports
      expect(parseYamlFile({ path: 'main.yaml', text })).toStrictEqual(parseYamlDocument('main.yaml', text));
    });
  }

  it('when what it cannot take comes late in a large document (after the tokens read so far were dropped)', () => {
    const big = syntheticConfig(300, 10);
    for (const tail of ['  late: &x 1\n', '  late: "x\n', 'resources: {}\n', '  late: a: b\n']) {
      const text = big + tail;
      expect(fastYamlToNode(text, 'main.yaml'), tail).toBeUndefined();
      expect(parseYamlFile({ path: 'main.yaml', text })).toStrictEqual(parseYamlDocument('main.yaml', text));
    }
  });

  it('survives deep nesting without throwing', () => {
    const deep = 'a: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n';
    expect(() => parseYamlFile({ path: 'main.yaml', text: deep })).not.toThrow();
    const blocks = Array.from({ length: 3000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' 1\n';
    expect(() => parseYamlFile({ path: 'main.yaml', text: blocks })).not.toThrow();
  });
});
