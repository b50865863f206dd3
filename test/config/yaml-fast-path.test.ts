/**
 * The YAML fast path (src/config/yaml-fast-path.ts) against the full `parseDocument` path,
 * node by node: whenever the fast path answers, the full path must give no diagnostic and
 * exactly the same tree (kinds, values, `loc`, `keyLoc`, `style`). Run over every YAML
 * file of the repo, generated documents, mutated copies of both, and random token soup;
 * plus the cases it must leave to the full path.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Node } from '../../src/config/config-types.js';
import { fastYamlToNode } from '../../src/config/yaml-fast-path.js';
import { parseYamlDocument, parseYamlFile } from '../../src/config/yaml-to-node.js';
import { syntheticConfig } from '../../bench/synthetic-config.js';

type Rng = () => number;

function rng(seed: number): Rng {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

function pick<T>(r: Rng, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

/** Every YAML file of the repo, outside dependencies and build output. */
function repoYamlFiles(dir = '.'): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...repoYamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out.sort();
}

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

const PLAIN = [
  'name', 'k3s', 'a b', 'yes', 'on', 'No', 'true', 'False', 'TRUE', 'null', 'Null', '~', '12', '-7', '+3', '0x1F', '0o17', '0b11',
  '1.5', '-.5', '1e3', '1.', '.inf', '-.Inf', '.nan', '9007199254740993', '${var.x}', '${fake_resource.a.id}', 'http://x:8006/api',
  'a:b', 'x#y', 'é', '日本', '-', 'a-b', '1_000', '0777', '12:30', '2024-01-01', "a'b", 'a"b', '@x', '%x', '`x', ',x', '!x', '&x',
  '*x', '? x', '| x',
];
const KEYS = ['name', 'value', 'size', 'tags', 'a b', '1.0', '~', 'null', 'true', '0x10', '"q"', "'s'", '"a\\tb"', "'it''s'", 'resources', 'fake_resource.r1', '"<<"', '<<', 'x-y', 'é'];
const DOUBLE = ['"plain"', '"a\\nb"', '"tab\\t"', '"\\x41\\u00e9"', '""', '"${var.x}"', '"multi\n  line"', '"esc \\" q"', '"bad \\q"', '"back\\\\"', '"a\n\n  b"'];
const SINGLE = ["'single'", "''", "'it''s'", "'multi\n  line'", "'${x}'"];

/** A random document of the common shapes, with a sprinkling of what must fall back. */
function generate(r: Rng, maxDepth = 4): string {
  const pad = (n: number) => ' '.repeat(n);
  const scalar = (ind: number): string => {
    const x = r();
    if (x < 0.45) return pick(r, PLAIN);
    if (x < 0.65) return pick(r, DOUBLE).replace(/\n {2}/g, '\n' + pad(ind + 2));
    if (x < 0.8) return pick(r, SINGLE).replace(/\n {2}/g, '\n' + pad(ind + 2));
    if (x < 0.85) return `${pick(r, PLAIN)}\n${pad(ind + 2)}${pick(r, PLAIN)}`;
    return '';
  };
  const comment = () => (r() < 0.15 ? ' # ' + pick(r, ['c', 'x: y', '- z', '']) : '');
  const blank = () => (r() < 0.1 ? pick(r, ['\n', '  \n', '# note\n', '   # indented\n']) : '');
  const blockScalar = (ind: number): string => {
    let s = pick(r, ['|', '|-', '|+', '>', '>-', '>+', '|2', '>1', '|-2']) + comment() + '\n';
    const n = 1 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) s += (r() < 0.15 ? '' : pad(ind + 2) + (r() < 0.2 ? '  ' : '') + pick(r, PLAIN)) + '\n';
    return s;
  };
  const flow = (depth: number): string => {
    const n = Math.floor(r() * 4);
    const items: string[] = [];
    if (r() < 0.5) {
      for (let i = 0; i < n; i++) items.push(depth > 0 && r() < 0.3 ? flow(depth - 1) : pick(r, [...PLAIN.slice(0, 30), ...DOUBLE.slice(0, 6), ...SINGLE.slice(0, 3)]));
      return '[' + pick(r, ['', ' ']) + items.join(pick(r, [', ', ',', ' ,', ',\n   '])) + (r() < 0.1 ? ',' : '') + pick(r, ['', ' ']) + ']';
    }
    for (let i = 0; i < n; i++) items.push(pick(r, KEYS) + pick(r, [': ', ':', ' : ']) + (depth > 0 && r() < 0.3 ? flow(depth - 1) : pick(r, [...PLAIN.slice(0, 30), ...DOUBLE.slice(0, 6), ''])));
    return '{' + pick(r, ['', ' ']) + items.join(pick(r, [', ', ',', ',\n   '])) + (r() < 0.1 ? ',' : '') + pick(r, ['', ' ']) + '}';
  };
  const value = (ind: number, depth: number): string => {
    const x = r();
    if (depth <= 0 || x < 0.4) return ' ' + scalar(ind) + comment() + '\n';
    if (x < 0.5) return ' ' + blockScalar(ind);
    if (x < 0.6) return ' ' + flow(2) + comment() + '\n';
    if (x < 0.8) return comment() + '\n' + map(ind + pick(r, [2, 2, 4, 1]), depth - 1);
    return comment() + '\n' + seq(ind + pick(r, [0, 2, 2]), depth - 1);
  };
  const map = (ind: number, depth: number): string => {
    let s = '';
    const n = 1 + Math.floor(r() * 4);
    for (let i = 0; i < n; i++) s += blank() + pad(ind) + pick(r, KEYS) + pick(r, [':', ':', ' :']) + value(ind, depth);
    return s;
  };
  const seq = (ind: number, depth: number): string => {
    let s = '';
    const n = 1 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) {
      const x = r();
      s += blank() + pad(ind) + '-';
      if (x < 0.5 || depth <= 0) s += ' ' + scalar(ind + 2) + comment() + '\n';
      else if (x < 0.65) s += ' ' + flow(1) + '\n';
      else if (x < 0.8) s += ' ' + map(ind + 2, depth - 1).slice(ind + 2);
      else if (x < 0.9) s += comment() + '\n' + seq(ind + 2, depth - 1);
      else s += ' ' + blockScalar(ind + 2);
    }
    return s;
  };
  let doc = (r() < 0.2 ? '# header\n' : '') + (r() < 0.85 ? map(0, maxDepth) : r() < 0.5 ? seq(0, maxDepth) : flow(3) + '\n');
  if (r() < 0.1) doc = doc.replace(/\n/g, '\r\n');
  if (r() < 0.05) doc = doc.trimEnd();
  return doc;
}

const SPLICE = [' ', '\n', ':', '-', '#', '"', "'", '[', ']', '{', '}', ',', '\t', '|', '>', '?', '&', '*', '!', 'a', '1', '\\', '\r', '  ', ': ', '- ', '\n  ', '\n- ', '~', '.', 'e', '0x', '%', '@', '`', '...', '---', '<<'];

/** `text` with 1 to 3 random insertions, deletions, duplications or replacements. */
function mutate(r: Rng, text: string): string {
  let t = text;
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (t.length + 1));
    const op = r();
    if (op < 0.4) t = t.slice(0, at) + pick(r, SPLICE) + t.slice(at);
    else if (op < 0.7) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 3));
    else if (op < 0.85) {
      const from = Math.floor(r() * t.length);
      t = t.slice(0, at) + t.slice(from, from + Math.floor(r() * 20)) + t.slice(at);
    } else t = t.slice(0, at) + pick(r, SPLICE) + t.slice(at + 1);
  }
  return t;
}

const SOUP = ['a', 'b', '1', ' ', ' ', '  ', '\n', '\n', ':', ': ', '-', '- ', '#', ' #', '"', "'", '[', ']', '{', '}', ',', '|', '>', '\\', '\r\n', '~', '.', 'e', 'x', '0', '\u00a0', '\u2028', '\ufeff', '\x00', '?', '\\n', '\\x', '\\u'];

function soup(r: Rng): string {
  let t = '';
  const n = 1 + Math.floor(r() * 25);
  for (let i = 0; i < n; i++) t += pick(r, SOUP);
  return t;
}

function* many(count: number, make: (i: number) => string): Generator<string> {
  for (let i = 0; i < count; i++) yield make(i);
}

// ---- tests ---------------------------------------------------------------------------

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

  it('survives deep nesting without throwing', () => {
    const deep = 'a: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n';
    expect(() => parseYamlFile({ path: 'main.yaml', text: deep })).not.toThrow();
    const blocks = Array.from({ length: 3000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' 1\n';
    expect(() => parseYamlFile({ path: 'main.yaml', text: blocks })).not.toThrow();
  });
});
