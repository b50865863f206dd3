/**
 * The hand-written YAML scanner (src/config/yaml-lexemes.ts) against the `yaml` package's
 * Lexer as the fast path used to classify it (bench/yaml-lexemes-via-lexer.ts), token
 * by token: whenever the scanner answers, the Lexer version must answer too, with exactly
 * the same tokens (kind, offset, source, line, column, `first`) and `hasDocument`. Run over
 * every YAML file of the repo, generated documents, mutated copies, random token soup and
 * random lines; plus what the scanner must answer itself (the repo's examples, benchmark
 * configs, the common forms) and what it must leave to the full path.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { lexemes, type Lexemes } from '../../src/yaml/yaml-lexemes.js';
import { lexemesViaYamlLexer } from '../../bench/yaml-lexemes-via-lexer.js';
import { syntheticConfig } from '../../bench/synthetic-config.js';
import { generate, many, mutate, pick, repoYamlFiles, rng, soup, type Rng } from './yaml-samples.js';

/** Where the scanner and the Lexer version disagree; `answered` says whether the scanner answered. */
function compare(text: string): { answered: boolean; referenceAnswered: boolean; problem?: string } {
  const hand = lexemes(text);
  const reference = lexemesViaYamlLexer(text);
  const answered = hand !== undefined;
  const referenceAnswered = reference !== undefined;
  if (!hand) return { answered, referenceAnswered };
  if (!reference) return { answered, referenceAnswered, problem: 'the scanner answers, the Lexer version falls back' };
  const problem = firstDifference(hand, reference);
  return problem === undefined ? { answered, referenceAnswered } : { answered, referenceAnswered, problem };
}

function firstDifference(hand: Lexemes, reference: Lexemes): string | undefined {
  if (hand.hasDocument !== reference.hasDocument) return `hasDocument: scanner ${hand.hasDocument}, Lexer ${reference.hasDocument}`;
  const n = Math.max(hand.tokens.length, reference.tokens.length);
  for (let i = 0; i < n; i++) {
    if (!isDeepStrictEqual(hand.tokens[i], reference.tokens[i])) return `token ${i}: scanner ${JSON.stringify(hand.tokens[i])}, Lexer ${JSON.stringify(reference.tokens[i])}`;
  }
  return undefined;
}

function disagreements(texts: Iterable<string>): { answered: number; referenceAnswered: number; total: number; failures: string[] } {
  let answered = 0;
  let referenceAnswered = 0;
  let total = 0;
  const failures: string[] = [];
  for (const text of texts) {
    total++;
    const r = compare(text);
    if (r.answered) answered++;
    if (r.referenceAnswered) referenceAnswered++;
    if (r.problem && failures.length < 10) failures.push(`${JSON.stringify(text.length > 400 ? text.slice(0, 400) + '…' : text)}: ${r.problem}`);
  }
  return { answered, referenceAnswered, total, failures };
}

/** A `locals:` map of one-line flow maps, the shape of large generated configs. */
function localsConfig(n: number): string {
  const lines = ['locals:'];
  for (let i = 0; i < n; i++) lines.push(`    g${1000 + i}: { vmid: ${1000 + i}, node: pve }`);
  return lines.join('\n') + '\n';
}

/** Pieces of lines that sit on the Lexer's token boundaries. */
const FRAGMENTS = [
  'a', 'key', 'x y', 'a:b', 'a :b', 'a: b', 'http://x:8006/api', '${var.x}', '${ {x} }', 'x#y', 'é', '-1', '-', '"${a.b}"', '"e\\"s"', '"\\\\"',
  "'q''s'", "''", ':', ': ', ':\t', '- ', ' # c', '#c', ' #', '[', ']', '{', '}', ', ', ',', '|', '|-', '>+', '|2', '>-1', '|+ # c', '|x',
  '  ', ' ', '\t', '"multi\n  line"', "'a\n\n b'", 'p\n   q', '\n', '\n  ', '? ', '&a', '*a', '!t', '%', '@', '...', '---', '\ufeff', '\r',
  '\n\n', '\r\n', '\r\n  ', '\n ', '\n   ', '\n    - ', '\n  a: ', '"', "'", '\\', ':x', '-x', 'a ]', 'a }', 'a ,', '{a: [b, {c: d}]}',
  'k: |\n   x\n  y\n', 'k: >2\n     x\n\n  \n', 'k: |+\n  a\n\n  \n',
];

/** A few lines of fragments, at random indentations, with or without a leading `- `. */
function randomLines(r: Rng): string {
  const lines: string[] = [];
  const n = 1 + Math.floor(r() * 8);
  for (let i = 0; i < n; i++) {
    let line = ' '.repeat(pick(r, [0, 0, 1, 2, 2, 3, 4, 6]));
    if (r() < 0.2) line += '- ';
    const m = Math.floor(r() * 6);
    for (let j = 0; j < m; j++) line += pick(r, FRAGMENTS);
    lines.push(line);
  }
  return lines.join(r() < 0.1 ? '\r\n' : '\n') + pick(r, ['\n', '', '\n\n', '\n  ']);
}

const files = repoYamlFiles();
const texts = files.map((f) => readFileSync(f, 'utf8'));

describe('YAML scanner: same tokens as the yaml Lexer', () => {
  it('over every YAML file of the repo, answering for all examples and nearly all the Lexer answers for', () => {
    expect(files.length).toBeGreaterThan(50);
    const r = disagreements(texts);
    expect(r.failures).toEqual([]);
    for (const f of files.filter((x) => x.startsWith('examples'))) expect(lexemes(readFileSync(f, 'utf8')), f).toBeDefined();
    expect(r.answered / r.referenceAnswered).toBeGreaterThan(0.95);
  });

  it('over benchmark-shaped configs, answering for all', () => {
    const configs = [syntheticConfig(300, 10), syntheticConfig(1000, 7, 5), localsConfig(2000)];
    const r = disagreements([...configs, ...configs.map((c) => c.replace(/\n/g, '\r\n'))]);
    expect(r.failures).toEqual([]);
    expect(r.answered).toBe(r.total);
  });

  it('over generated documents', () => {
    const r = disagreements(many(5000, (i) => generate(rng(20_000 + i))));
    expect(r.failures).toEqual([]);
    expect(r.answered).toBeGreaterThan(0.8 * r.referenceAnswered);
  });

  it('over mutated copies of the repo files and of generated documents', () => {
    const r = rng(4242);
    const fromRepo = disagreements(many(3000, () => mutate(r, pick(r, texts))));
    const fromGenerated = disagreements(many(3000, (i) => mutate(r, generate(rng(30_000 + i)))));
    expect([...fromRepo.failures, ...fromGenerated.failures]).toEqual([]);
    expect(fromRepo.answered).toBeGreaterThan(0.8 * fromRepo.referenceAnswered);
  });

  it('over random token soup', () => {
    const r = rng(77);
    const result = disagreements(many(20_000, () => soup(r)));
    expect(result.failures).toEqual([]);
    expect(result.answered).toBeGreaterThan(2000);
  });

  it('over random lines of boundary fragments', () => {
    const r = rng(99);
    const result = disagreements(many(30_000, () => randomLines(r)));
    expect(result.failures).toEqual([]);
    expect(result.answered).toBeGreaterThan(3000);
  });
});

describe('YAML scanner: answers for the common forms', () => {
  const cases: [string, string][] = [
    ['block maps and sequences', 'a: 1\nb:\n  c: x\n  d:\n    - p\n    - q: 1\n      r: 2\n    - - n\nseq:\n- at the key column\n'],
    ['plain scalars with spaces, colons and hashes', 'a: two words\nurl: http://x:8006/api2/json\ntime: 12:30\nb: x#y\nc: value # comment\nd: a:b\n'],
    ['templates', 'a: "${var.x}"\nb: ${var.y}\nc: "${fake_resource.r1.id}-suffix"\nd: [ "${a}", ${b} ]\ne: { k: "${c}" }\n'],
    ['quoted scalars with escapes', 'a: "tab\\t \\x41 \\u00e9 \\" \\\\"\nb: \'it\'\'s\'\n"quoted key": 1\n\'single key\': 2\nc: ""\n'],
    ['flow collections', 'a: [1, "two", [3, {k: v}], ]\nb: {x: 1, "y": [2], z: {}}\nc: [\n    multi,\n    line\n  ]\nd: {"a":1}\n'],
    ['block scalars', 'a: |\n  line\n  more\nb: >-\n  folded\n  text\n\nc: |+\n  keep\n\nd: >2\n    more\n  indented\ne: |-2 # c\n    x\nf: |\n\n  after a blank\n'],
    ['multi-line plain and quoted scalars', 'a: two\n  lines\nb: "two\n  lines"\nc: \'x\n\n  y\'\n'],
    ['comments everywhere', '# head\n\n  # indented\na: 1 # trailing\n# between\nb: # after a key\n  - x # after an item\n# tail'],
    ['empty values', 'a:\nb: # comment\nc:   \nlist:\n  -\n  - x\nflow: { k: , j: }\n'],
    ['CRLF line ends', 'a: 1\r\nb:\r\n  - "x"\r\n  - y # c\r\nc: |\r\n  body\r\n'],
    ['a root sequence and a root scalar', '- a\n- b: 1\n'],
    ['comments only', '# nothing\n\n   \n'],
    ['an empty file', ''],
    ['no final line break', 'a: 1\nb: [x]'],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const hand = lexemes(text);
      expect(hand, 'the scanner answers').toBeDefined();
      expect(hand).toStrictEqual(lexemesViaYamlLexer(text));
    });
  }
});

describe("YAML scanner: the Lexer's corner cases", () => {
  const cases: [string, string][] = [
    ['an empty plain scalar before a flow comma', 'a: { k: , j: }\nb: [x, : , y]\nc: {k:, j}\n'],
    ['a flow collection over lines sets the line indentation', 'a: [x,\n    y]: b\n  c\n'],
    ['a closing bracket one column short', 'a:\n  b: [\n    x\n  ]\n'],
    ['a plain scalar over a blank line', 'a: b\n\n  c\nd: e\r\n\r\n  f\r\n'],
    ['a comment under a plain scalar', 'a: b\n  # c\n  d\n#e\n'],
    ['a plain scalar under a sequence item', '- a\n  b\n-   c\n    d\n'],
    ['a plain scalar ending at a flow indicator on the next line', 'a: [b\n  ]\n'],
    ['trailing lines of block scalars', 'a: |\n  x\n\n   \n    \nb: >\n  y\n  \n\nc: |+\n  z\n\n'],
    ['explicit indentation', 'a: |2\n   x\n  y\nb:\n  - >1\n     z\n'],
    ['a block scalar with nothing in it', 'a: |\nb: >-\n\nc: |\n'],
    ['a block scalar at the end of the text', 'a: |\n  x'],
    ['a less indented line after a map value', 'a:\n    b: 1\n  c: 2\n'],
    ['indicators in odd places', 'a: - b\nc: : d\n- - e\n'],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      const hand = lexemes(text);
      expect(hand, 'the scanner answers').toBeDefined();
      expect(hand).toStrictEqual(lexemesViaYamlLexer(text));
    });
  }
});

describe('YAML scanner: left to the full path', () => {
  const cases: [string, string][] = [
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['directives', '%YAML 1.2\n---\na: 1\n'],
    ['document markers', 'a: 1\n---\nb: 2\n'],
    ['document end markers', 'a: 1\n...\n'],
    ['explicit keys', '? a\n: 1\n'],
    ['a byte-order mark', '\uFEFFa: 1\n'],
    ['a lone carriage return', 'a: 1\rb: 2\n'],
    ['tabs in indentation', 'a:\n\tb: 1\n'],
    ['tabs after an indicator', 'a:\t1\n'],
    ['tabs in a plain scalar', 'a: x\ty\n'],
    ['a comment glued to a value', "a: 'x'#c\n"],
    ['a comment glued to a flow comma', 'a: [x,#c\n  ]\n'],
    ['unusual block scalar headers', 'a: |+-\n  x\n'],
    ['text after a block scalar header', 'a: | x\n  y\n'],
    ['a tab in the white space after a block scalar', 'a: |\n  x\n \t\nb: 1\n'],
    ['a root block scalar', '|\nx\n'],
    ['a plain scalar starting with an indicator', 'a: @x\n'],
    ['a stray closing bracket', 'a: ]\n'],
    ['an unterminated quote', 'a: "x\n'],
    ['an unterminated flow collection', 'a: [1, 2'],
    ['a quoted scalar continued too little indented', 'a:\n  b: "x\n y"\n'],
    ['a flow collection continued too little indented', 'a:\n  b: [x,\n y]\n'],
  ];
  for (const [name, text] of cases) {
    it(name, () => {
      expect(lexemes(text)).toBeUndefined();
    });
  }
});
