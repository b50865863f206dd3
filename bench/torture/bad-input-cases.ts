/**
 * The inputs of torture part "bad input", each a change to a copy of a base project (the
 * language example applied once with the fake provider, plus a saved plan):
 *
 * - every case of the invalid-config corpus (test/fixtures/invalid/), with its inputs;
 * - mutated copies of the valid example: truncations, wrong types, bad YAML, huge values,
 *   deep nesting, binary bytes;
 * - corrupted state files and journals, and corrupted saved plan files.
 *
 * A case is `invalid` when it is wrong by construction (its commands must fail), or `maybe`
 * when the mutation may have left it valid; see bad-input-part.ts for how each is judged.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Random } from './random.js';

export const CONFIG_FILE = 'homelab.yaml';
export const PLAN_FILE = 'plan.json';

export type CaseKind =
  | { kind: 'invalid'; commands: readonly (readonly string[])[] }
  /** Config that may still be valid: `hl validate` decides whether `hl apply` must fail. */
  | { kind: 'maybe-config' }
  /** State that may still be valid: `hl plan` must not fail uncleanly. */
  | { kind: 'maybe-state' }
  /** A plan that may still be valid: `hl apply PLAN` may succeed or fail cleanly. */
  | { kind: 'maybe-plan' };

export interface BadInputCase {
  name: string;
  /** Makes the change in a copy of the base project. */
  prepare(dir: string): void;
  expect: CaseKind;
  /** Substrings the error output must contain. */
  messages?: string[];
  env?: Record<string, string>;
}

const APPLY: readonly string[] = ['apply', '--auto-approve'];
const PLAN: readonly string[] = ['plan'];

// ---- the invalid-config corpus -------------------------------------------------------

interface CorpusExpectation {
  stage: string;
  errors: { message: string }[];
  vars?: string[];
  varFiles?: string[];
  env?: Record<string, string>;
}

/**
 * One case per directory of the corpus: `hl apply` with the case's config and inputs, and
 * `hl validate` (or, for a case about variable values, which validate does not need, `hl plan`).
 */
export function corpusCases(corpusDir: string): BadInputCase[] {
  return readdirSync(corpusDir)
    .filter((name) => statSync(join(corpusDir, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(corpusDir, name);
      const exp = JSON.parse(readFileSync(join(dir, 'expect.json'), 'utf8')) as CorpusExpectation;
      const inputs = [
        ...(exp.vars ?? []).flatMap((v) => ['--var', v]),
        ...(exp.varFiles ?? []).flatMap((f) => ['--var-file', join(dir, f)]),
      ];
      return {
        name: `corpus ${name}`,
        prepare: () => undefined,
        expect: {
          kind: 'invalid',
          commands: [
            [...APPLY, '-c', dir, ...inputs],
            [exp.stage === 'variables' ? 'plan' : 'validate', '-c', dir, ...inputs],
          ],
        },
        messages: exp.errors.map((e) => e.message),
        ...(exp.env ? { env: exp.env } : {}),
      } satisfies BadInputCase;
    });
}

// ---- mutated configs -----------------------------------------------------------------

function editConfig(edit: (text: string) => string): (dir: string) => void {
  return (dir) => writeFileSync(join(dir, CONFIG_FILE), edit(readFileSync(join(dir, CONFIG_FILE), 'utf8')));
}

/** Edits of the language example that are wrong by construction: a value of the wrong type. */
const WRONG_TYPES: [string, string, string][] = [
  ['variable default of the wrong type', '    default: 2\n', '    default: "two"\n'],
  ['count a list', 'count: "${var.replicas}"', 'count: [1, 2]'],
  ['name a map', 'name: "worker-${count.index}"', 'name: { a: 1 }'],
  ['tags a number', 'tags: ["k3s", "${lower(each.key)}"]', 'tags: 7'],
  ['provider setting of the wrong type', 'fake: { latency_ms: 0 }', 'fake: { latency_ms: "slow" }'],
  ['ignore_changes a number', 'ignore_changes: [description]', 'ignore_changes: 5'],
  ['resources a list', 'resources:\n', 'resources:\n  - 1\n'],
  ['depends_on a number', 'depends_on: [fake_resource.worker]', 'depends_on: 3'],
];

/** YAML that is wrong wherever it is: appended at the end of the file. */
const BAD_YAML_TAILS: [string, string][] = [
  ['an unclosed flow sequence', '\nbroken: [1, 2\n'],
  ['an unclosed quote', '\nbroken: "never closed\n'],
  ['a duplicate top-level key', '\nresources:\n  fake_resource.extra: { name: extra }\n'],
  ['a second document', '\n---\nsecond: document\n'],
  ['a tab as indentation', '\nbroken:\n\tkey: 1\n'],
  ['an unknown alias', '\nbroken: *nowhere\n'],
  ['a custom tag', '\nbroken: !vault secret\n'],
];

/** Snippets that may or may not break the config, inserted at a random line start. */
const YAML_SNIPPETS = [
  '\t',
  '  - :\n',
  ': x\n',
  '"\n',
  "'\n",
  '[\n',
  '{\n',
  '? \n',
  '&a\n',
  '- - -\n',
  'key: value: other\n',
  '    \n',
  '#\n',
  '|\n',
];

/** Edits that give a value of the wrong type: `hl apply` and `hl plan` must fail. */
export function wrongTypeCases(): BadInputCase[] {
  return WRONG_TYPES.map(([name, from, to]) => ({
    name: `config with ${name}`,
    prepare: editConfig((t) => {
      if (!t.includes(from)) throw new Error(`torture: the language example no longer contains ${JSON.stringify(from)}`);
      return t.replace(from, to);
    }),
    expect: { kind: 'invalid', commands: [APPLY, PLAN] },
  }));
}

/** YAML broken wherever it is: `hl apply` and `hl plan` must fail. */
export function badYamlCases(): BadInputCase[] {
  return BAD_YAML_TAILS.map(([name, tail]) => ({
    name: `config with ${name}`,
    prepare: editConfig((t) => t + tail),
    expect: { kind: 'invalid', commands: [APPLY, PLAN] },
  }));
}

/** Huge and deeply nested values, and files that are not UTF-8 YAML at all. */
export function hugeValueCases(random: Random): BadInputCase[] {
  return [
    {
      name: 'config with a 10 MB key',
      prepare: editConfig((t) => `${t}\n${'k'.repeat(10_000_000)}: 1\n`),
      expect: { kind: 'invalid', commands: [APPLY] },
    },
    {
      name: 'config with a 10 MB string value',
      prepare: editConfig((t) =>
        t.replace('name: "worker-${count.index}"', `name: "worker-\${count.index}"\n    description: "${'x'.repeat(10_000_000)}"`),
      ),
      expect: { kind: 'maybe-config' },
    },
    {
      name: 'config that is 10 MB of comments',
      prepare: editConfig((t) => t + `# ${'c'.repeat(100)}\n`.repeat(100_000)),
      expect: { kind: 'maybe-config' },
    },
    ...[500, 1000, 1800, 2500, 5000, 100_000].map((depth) => deepListCase(depth)),
    {
      name: 'config with maps nested 3000 deep',
      prepare: editConfig((t) => inLocals(t, Array.from({ length: 3000 }, (_, i) => `${' '.repeat(2 + i)}k${i}:`).join('\n') + ' 1\n')),
      expect: { kind: 'maybe-config' },
    },
    {
      name: 'config of random binary bytes',
      prepare: (dir) => writeFileSync(join(dir, CONFIG_FILE), randomBytes(random, 4096)),
      expect: { kind: 'maybe-config' },
    },
    {
      name: 'config in UTF-16',
      prepare: (dir) =>
        writeFileSync(
          join(dir, CONFIG_FILE),
          Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(join(dir, CONFIG_FILE), 'utf8'), 'utf16le')]),
        ),
      expect: { kind: 'maybe-config' },
    },
  ];
}

/** A local whose value is a list nested `depth` deep. */
export function deepListCase(depth: number): BadInputCase {
  return {
    name: `config with a list nested ${depth} deep`,
    prepare: editConfig((t) => inLocals(t, `  deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`)),
    expect: { kind: 'maybe-config' },
  };
}

/** `count` random truncations, snippet insertions and binary splices. */
export function randomConfigCases(random: Random, count: number): BadInputCase[] {
  const cases: BadInputCase[] = [];
  for (let i = 0; i < count; i++) {
    const r = random.next();
    if (r < 0.35) {
      cases.push({
        name: `config truncated (${i})`,
        prepare: (dir) => truncateFile(join(dir, CONFIG_FILE), random),
        expect: { kind: 'maybe-config' },
      });
    } else if (r < 0.7) {
      const snippet = random.pick(YAML_SNIPPETS);
      cases.push({
        name: `config with ${JSON.stringify(snippet)} inserted (${i})`,
        prepare: editConfig((t) => insertAtLineStart(t, snippet, random)),
        expect: { kind: 'maybe-config' },
      });
    } else {
      cases.push({
        name: `config with binary bytes (${i})`,
        prepare: (dir) => spliceBytes(join(dir, CONFIG_FILE), random),
        expect: { kind: 'maybe-config' },
      });
    }
  }
  return cases;
}

/** An output holding `expr`, added to the example's `outputs:` block (the last of the file). */
function withOutput(expr: string): (dir: string) => void {
  return editConfig((t) => {
    if (!/\noutputs:\n( {2}.*\n)*$/.test(t)) throw new Error('torture: the language example no longer ends with its outputs block');
    return `${t}  hostile: { value: ${JSON.stringify(`\${${expr}}`)} }\n`;
  });
}

/** Hostile expressions and files (issue 15, items 3, 4, 6, 7): each must end quickly with a located error. */
const HOSTILE_EXPRESSIONS: [string, string, string][] = [
  ['file("/dev/urandom")', 'file("/dev/urandom")', 'it is a character device, not a regular file'],
  ['file("/dev/zero")', 'file("/dev/zero")', 'it is a character device, not a regular file'],
  ['file() of a directory', 'file(".")', 'it is a directory, not a regular file'],
  [
    'nested for producing 10^9 elements',
    '[for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]',
    'Evaluation limit exceeded',
  ],
  ['a 20 MB join', 'join(format("%10000s", ""), [for i in range(1000) : format("%10000s", "")])', 'Evaluation limit exceeded'],
  ['a regular expression with a backreference', 'replace("aa", "/(a)\\\\1/", "b")', 'no backreferences'],
  ['a regular expression with lookahead', 'replace("ab", "/a(?=b)/", "b")', 'lookaround'],
  ['parentheses nested 5000 deep', `${'('.repeat(5000)}1${')'.repeat(5000)}`, 'nested more than 100 levels deep'],
  ['a sum of 100000 terms', Array(100_000).fill('1').join(' + '), 'nested more than 100 levels deep'],
  ['format("%999999999d")', 'format("%999999999d", 1)', 'the width 999,999,999'],
  ['format("%.200f")', 'format("%.200f", 1)', 'the precision 200'],
  ['jsondecode of a list nested 100000 deep', `jsondecode("${'['.repeat(100_000)}${']'.repeat(100_000)}")`, 'more than 256 levels deep'],
];

/** Configs that would hang hl or exhaust its memory without limits, or are not UTF-8 text. */
export function hostileInputCases(): BadInputCase[] {
  const invalid = { kind: 'invalid', commands: [APPLY, PLAN] } as const;
  const doubling = Array.from({ length: 26 }, (_, i) => `  dbl${i + 1}: "\${concat(local.dbl${i}, local.dbl${i})}"\n`).join('');
  const sharing = Array.from({ length: 64 }, (_, i) => `  shr${i + 1}: "\${[local.shr${i}, local.shr${i}]}"\n`).join('');
  return [
    ...HOSTILE_EXPRESSIONS.map(([name, expr, message]) => ({
      name: `config with ${name}`,
      prepare: withOutput(expr),
      expect: invalid,
      messages: [message],
    })),
    {
      name: 'config with file() of a FIFO',
      prepare: (dir: string) => {
        execFileSync('mkfifo', [join(dir, 'pipe')]);
        withOutput('file("pipe")')(dir);
      },
      expect: invalid,
      messages: ['it is a FIFO (named pipe), not a regular file'],
    },
    {
      name: 'config with file() of a 5 MB file',
      prepare: (dir: string) => {
        writeFileSync(join(dir, 'big.txt'), 'x'.repeat(5 * 1024 * 1024));
        withOutput('file("big.txt")')(dir);
      },
      expect: invalid,
      messages: ['more than the limit of 4 MiB'],
    },
    {
      name: 'config with a list doubled 26 times through locals',
      prepare: (dir: string) => {
        editConfig((t) => inLocals(t, `  dbl0: ["x"]\n${doubling}`))(dir);
        withOutput('length(local.dbl26)')(dir);
      },
      expect: invalid,
      messages: ['Evaluation limit exceeded'],
    },
    {
      name: 'config with a list holding itself twice, 64 times through locals',
      prepare: (dir: string) => {
        editConfig((t) => inLocals(t, `  shr0: ["x"]\n${sharing}`))(dir);
        withOutput('jsonencode(local.shr64)')(dir);
      },
      expect: invalid,
      messages: ['Evaluation limit exceeded'],
    },
    {
      name: 'config with count: 10000000',
      prepare: editConfig((t) => {
        if (!t.includes('count: "${var.replicas}"')) throw new Error('torture: the language example no longer counts by var.replicas');
        return t.replace('count: "${var.replicas}"', 'count: 10000000');
      }),
      expect: invalid,
      messages: ['more than the limit of 10,000 per block'],
    },
    {
      name: 'config with a Latin-1 byte',
      prepare: (dir: string) =>
        writeFileSync(join(dir, CONFIG_FILE), Buffer.concat([readFileSync(join(dir, CONFIG_FILE)), Buffer.from('# caf\xe9\n', 'latin1')])),
      expect: invalid,
      messages: ['is not valid UTF-8'],
    },
    {
      name: 'config with a NUL byte',
      prepare: (dir: string) =>
        writeFileSync(join(dir, CONFIG_FILE), Buffer.concat([readFileSync(join(dir, CONFIG_FILE)), Buffer.from('# a\u0000b\n', 'latin1')])),
      expect: invalid,
      messages: ['NUL byte'],
    },
    {
      name: 'var file with a byte that is not UTF-8',
      prepare: (dir: string) => writeFileSync(join(dir, 'bad-vars.yaml'), Buffer.from('replicas: 2\n# \xff\n', 'latin1')),
      expect: {
        kind: 'invalid',
        commands: [
          [...APPLY, '--var-file', 'bad-vars.yaml'],
          [...PLAN, '--var-file', 'bad-vars.yaml'],
        ],
      },
      messages: ['is not valid UTF-8'],
    },
    // Valid, with a correct result: RE2 answers at once, and __proto__ is a key like any other.
    {
      name: 'config with a backtracking regular expression over 10,000 characters',
      prepare: withOutput('replace(format("%10000s", ""), "/(\\\\s+\\\\s?){1,100}x/", "")'),
      expect: { kind: 'maybe-config' },
    },
    {
      name: 'config with replace(..., "/(a+)+$/", ...) over 48 characters',
      prepare: withOutput(`replace("${'a'.repeat(48)}!", "/(a+)+$/", "x")`),
      expect: { kind: 'maybe-config' },
    },
    {
      name: 'config with jsondecode of a __proto__ key',
      prepare: withOutput('keys(jsondecode("{\\"__proto__\\": {\\"x\\": 1}, \\"a\\": 2}"))'),
      expect: { kind: 'maybe-config' },
    },
  ];
}

/** Every kind of broken config: the fixed cases and `count` random ones. */
export function configCases(random: Random, count: number): BadInputCase[] {
  return [...wrongTypeCases(), ...badYamlCases(), ...hugeValueCases(random), ...hostileInputCases(), ...randomConfigCases(random, count)];
}

// ---- corrupted state and journal -----------------------------------------------------

const STATE_FILE = 'homelab.state.json';
const JOURNAL_FILE = 'homelab.state.json.journal';

/** State files that are not hl states, or not valid ones. */
const WRONG_STATES: [string, (base: Record<string, unknown>) => unknown][] = [
  ['an empty array', () => []],
  ['an empty object', () => ({})],
  ['null', () => null],
  ['a string', () => 'state'],
  ['a newer format version', (b) => ({ ...b, version: 99 })],
  ['a lineage that is not a UUID', (b) => ({ ...b, lineage: 'not-a-uuid' })],
  ['a negative serial', (b) => ({ ...b, serial: -1 })],
  ['resources that are not a list', (b) => ({ ...b, resources: {} })],
  [
    'a resource without an address',
    (b) => ({ ...b, resources: (b['resources'] as Record<string, unknown>[]).map(({ address: _a, ...r }) => r) }),
  ],
  ['a duplicated resource', (b) => ({ ...b, resources: [...(b['resources'] as unknown[]), (b['resources'] as unknown[])[0]] })],
  ['a Terraform state', () => ({ version: 4, terraform_version: '1.9.0', serial: 1, lineage: 'x', resources: [] })],
];

const BOTH_FAIL = { kind: 'invalid', commands: [APPLY, PLAN] } as const;

/** States that are not hl states or not valid ones, and damaged journals: `hl apply` and `hl plan` must fail. */
export function wrongStateCases(random: Random): BadInputCase[] {
  const cases: BadInputCase[] = WRONG_STATES.map(([name, make]) => ({
    name: `state that is ${name}`,
    prepare: (dir: string) => {
      const base = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(dir, STATE_FILE), JSON.stringify(make(base), null, 2) + '\n');
    },
    expect: BOTH_FAIL,
  }));
  cases.push(
    { name: 'state that is empty', prepare: (dir) => writeFileSync(join(dir, STATE_FILE), ''), expect: BOTH_FAIL },
    {
      name: 'state of random binary bytes',
      prepare: (dir) => writeFileSync(join(dir, STATE_FILE), randomBytes(random, 2048)),
      expect: BOTH_FAIL,
    },
    {
      name: 'journal with a garbage line',
      prepare: (dir) =>
        appendFileSync(
          join(dir, JOURNAL_FILE),
          '{"t":"head","v":1,"lineage":"x","serial":1}\nthis is not json\n{"t":"rm","address":"fake_resource.worker[0]"}\n',
        ),
      expect: BOTH_FAIL,
    },
    {
      name: 'journal of random binary bytes',
      prepare: (dir) => writeFileSync(join(dir, JOURNAL_FILE), randomBytes(random, 1024)),
      expect: BOTH_FAIL,
    },
    ...hostileStateCases(),
    ...hostileJournalCases(),
  );
  return cases;
}

/** The state file with `edit` made to its text (after its first resource's `"attributes": {`). */
function editState(dir: string, edit: (text: string) => string | Buffer): void {
  const file = join(dir, STATE_FILE);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
}

function inFirstAttributes(text: string, entry: string): string {
  const at = text.indexOf('"attributes": {');
  if (at < 0) throw new Error('the base state has no resource with attributes');
  const open = at + '"attributes": {'.length;
  return `${text.slice(0, open)}${entry},${text.slice(open)}`;
}

/** A byte spliced into the state file's text just after `"hlVersion": "`. */
function withByte(text: string, byte: number): Buffer {
  const at = text.indexOf('"hlVersion": "') + '"hlVersion": "'.length;
  return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([byte]), Buffer.from(text.slice(at))]);
}

const DEEP = 100_000;
const deepList = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** States that are valid JSON but hostile (issue 15): each is refused by name, nothing walks it into a stack overflow. */
export function hostileStateCases(): BadInputCase[] {
  return [
    {
      name: 'state with a value nested 100,000 deep',
      prepare: (dir) => editState(dir, (t) => inFirstAttributes(t, `"deep": ${deepList(DEEP)}`)),
      expect: BOTH_FAIL,
      messages: ['more than 256 levels', '(resource '],
    },
    {
      name: 'state with a number 1e400',
      prepare: (dir) => editState(dir, (t) => inFirstAttributes(t, '"huge": 1e400')),
      expect: BOTH_FAIL,
      messages: ['not finite'],
    },
    {
      name: 'state with a serial of 1e400',
      prepare: (dir) => editState(dir, (t) => t.replace(/"serial": \d+/, '"serial": 1e400')),
      expect: BOTH_FAIL,
      messages: ['not finite'],
    },
    {
      name: 'state with invalid UTF-8',
      prepare: (dir) => editState(dir, (t) => withByte(t, 0xff)),
      expect: BOTH_FAIL,
      messages: ['not valid UTF-8'],
    },
    {
      name: 'state with a NUL byte',
      prepare: (dir) => editState(dir, (t) => withByte(t, 0x00)),
      expect: BOTH_FAIL,
      messages: ['NUL byte'],
    },
  ];
}

/**
 * A journal for the base state (its lineage and serial) whose second line is `line`, followed
 * by a well-formed record: the bad line is not a torn tail, so the journal must be refused.
 */
function writeJournalWith(dir: string, line: string | Buffer): void {
  const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as {
    lineage: string;
    serial: number;
    resources: { address: string }[];
  };
  const head = `${JSON.stringify({ t: 'head', v: 1, lineage: state.lineage, serial: state.serial })}\n`;
  const rm = `${JSON.stringify({ t: 'rm', address: state.resources[0]?.address ?? 'fake_resource.x' })}\n`;
  writeFileSync(join(dir, JOURNAL_FILE), Buffer.concat([Buffer.from(head), Buffer.from(line), Buffer.from('\n'), Buffer.from(rm)]));
}

/** The base state's first resource, as a journal `set` record would carry it, with `attributes` replaced. */
function setRecordText(dir: string, attributes: string): string {
  const state = JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as { resources: Record<string, unknown>[] };
  const text = JSON.stringify({ t: 'set', resource: { ...state.resources[0], attributes: { marker: 0 } } });
  return text.replace('{"marker":0}', attributes);
}

/** Journal lines that are valid JSON (or nearly) with a malformed body: refused by name at their line. */
export function hostileJournalCases(): BadInputCase[] {
  const begin = { t: 'begin', intent: { intentId: 'i1', address: 42, operation: 'create', type: 'fake_resource', provider: 'fake' } };
  return [
    {
      name: 'journal with a begin intent whose address is a number',
      prepare: (dir) => writeJournalWith(dir, JSON.stringify(begin)),
      expect: BOTH_FAIL,
      messages: ['damaged at line 2', 'intent.address'],
    },
    {
      name: 'journal with a set record of a malformed resource',
      prepare: (dir) => writeJournalWith(dir, '{"t":"set","resource":{"address":"fake_resource.x"}}'),
      expect: BOTH_FAIL,
      messages: ['damaged at line 2'],
    },
    {
      name: 'journal with a done record of an unknown outcome',
      prepare: (dir) => writeJournalWith(dir, '{"t":"done","intentId":"i1","outcome":{"kind":"exploded"}}'),
      expect: BOTH_FAIL,
      messages: ['damaged at line 2'],
    },
    {
      name: 'journal with a number 1e400',
      prepare: (dir) => writeJournalWith(dir, setRecordText(dir, '{"huge":1e400}')),
      expect: BOTH_FAIL,
      messages: ['damaged at line 2', 'not finite'],
    },
    {
      name: 'journal with a value nested 100,000 deep',
      prepare: (dir) => writeJournalWith(dir, setRecordText(dir, `{"deep":${deepList(DEEP)}}`)),
      expect: BOTH_FAIL,
      messages: ['damaged at line 2', 'more than 256 levels'],
    },
    {
      name: 'journal with invalid UTF-8 in a record',
      prepare: (dir) =>
        writeJournalWith(dir, Buffer.concat([Buffer.from(setRecordText(dir, '{"s":"a')), Buffer.from([0xc3]), Buffer.from('b"}')])),
      expect: BOTH_FAIL,
      messages: ['damaged at line 2, column', 'not valid UTF-8'],
    },
    {
      name: 'journal with a NUL byte in a record',
      prepare: (dir) =>
        writeJournalWith(dir, Buffer.concat([Buffer.from(setRecordText(dir, '{"s":"a')), Buffer.from([0x00]), Buffer.from('b"}')])),
      expect: BOTH_FAIL,
      messages: ['damaged at line 2, column', 'NUL byte'],
    },
  ];
}

/** `count` random truncations and bit flips of the state file. */
export function randomStateCases(random: Random, count: number): BadInputCase[] {
  const cases: BadInputCase[] = [];
  for (let i = 0; i < count; i++) {
    const r = random.next();
    if (r < 0.4) {
      cases.push({
        name: `state truncated (${i})`,
        prepare: (dir) => truncateUntil(join(dir, STATE_FILE), random, notJson),
        expect: BOTH_FAIL,
      });
    } else if (r < 0.8) {
      cases.push({
        name: `state with bit flips breaking its JSON (${i})`,
        prepare: (dir) => flipUntil(join(dir, STATE_FILE), random, notJson),
        expect: BOTH_FAIL,
      });
    } else {
      cases.push({
        name: `state with bit flips keeping its JSON (${i})`,
        prepare: (dir) => flipUntil(join(dir, STATE_FILE), random, isJson),
        expect: { kind: 'maybe-state' },
      });
    }
  }
  return cases;
}

export function stateCases(random: Random, count: number): BadInputCase[] {
  return [...wrongStateCases(random), ...randomStateCases(random, count)];
}

// ---- corrupted saved plans -----------------------------------------------------------

const WRONG_PLANS: [string, (base: Record<string, unknown>) => unknown][] = [
  ['an empty object', () => ({})],
  ['an array', () => []],
  ['a newer format version', (b) => ({ ...b, formatVersion: 99 })],
  ['a plan without its changes', (b) => Object.fromEntries(Object.entries(b).filter(([k]) => k !== 'changes'))],
  [
    'a plan of another state lineage',
    (b) => ({ ...b, state: { ...(b['state'] as object), lineage: '00000000-0000-4000-8000-000000000000' } }),
  ],
  ['a plan made on an older state', (b) => ({ ...b, state: { ...(b['state'] as object), serial: 0 } })],
];

const APPLY_PLAN_FAILS = { kind: 'invalid', commands: [[...APPLY, PLAN_FILE]] } as const;

/** Saved plans that are not plans, or not for this state: `hl apply PLAN` must fail. */
export function wrongPlanCases(random: Random): BadInputCase[] {
  const cases: BadInputCase[] = WRONG_PLANS.map(([name, make]) => ({
    name: `saved plan that is ${name}`,
    prepare: (dir: string) => {
      const base = JSON.parse(readFileSync(join(dir, PLAN_FILE), 'utf8')) as Record<string, unknown>;
      writeFileSync(join(dir, PLAN_FILE), JSON.stringify(make(base), null, 1));
    },
    expect: APPLY_PLAN_FAILS,
  }));
  cases.push(
    { name: 'saved plan that is empty', prepare: (dir) => writeFileSync(join(dir, PLAN_FILE), ''), expect: APPLY_PLAN_FAILS },
    {
      name: 'saved plan that is the state file',
      prepare: (dir) => writeFileSync(join(dir, PLAN_FILE), readFileSync(join(dir, STATE_FILE))),
      expect: APPLY_PLAN_FAILS,
    },
    {
      name: 'saved plan that is the config',
      prepare: (dir) => writeFileSync(join(dir, PLAN_FILE), readFileSync(join(dir, CONFIG_FILE))),
      expect: APPLY_PLAN_FAILS,
    },
    {
      name: 'saved plan of random binary bytes',
      prepare: (dir) => writeFileSync(join(dir, PLAN_FILE), randomBytes(random, 4096)),
      expect: APPLY_PLAN_FAILS,
    },
  );
  return cases;
}

/** `count` random truncations and bit flips of the saved plan. */
export function randomPlanCases(random: Random, count: number): BadInputCase[] {
  const cases: BadInputCase[] = [];
  for (let i = 0; i < count; i++) {
    const r = random.next();
    if (r < 0.4) {
      cases.push({
        name: `saved plan truncated (${i})`,
        prepare: (dir) => truncateUntil(join(dir, PLAN_FILE), random, notJson),
        expect: APPLY_PLAN_FAILS,
      });
    } else if (r < 0.8) {
      cases.push({
        name: `saved plan with bit flips breaking its JSON (${i})`,
        prepare: (dir) => flipUntil(join(dir, PLAN_FILE), random, notJson),
        expect: APPLY_PLAN_FAILS,
      });
    } else {
      cases.push({
        name: `saved plan with bit flips keeping its JSON (${i})`,
        prepare: (dir) => flipUntil(join(dir, PLAN_FILE), random, isJson),
        expect: { kind: 'maybe-plan' },
      });
    }
  }
  return cases;
}

export function planCases(random: Random, count: number): BadInputCase[] {
  return [...wrongPlanCases(random), ...randomPlanCases(random, count)];
}

// ---- byte-level mutations --------------------------------------------------------------

function randomBytes(random: Random, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = random.int(0, 255);
  return b;
}

function truncateFile(file: string, random: Random): void {
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, random.int(0, Math.max(0, bytes.length - 1))));
}

function isJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function notJson(bytes: Buffer): boolean {
  return !isJson(bytes);
}

/** Truncates `file` at random offsets until the result satisfies `wanted`. */
function truncateUntil(file: string, random: Random, wanted: (b: Buffer) => boolean): void {
  const bytes = readFileSync(file);
  for (let tries = 0; tries < 100; tries++) {
    const cut = bytes.subarray(0, random.int(0, Math.max(0, bytes.length - 2)));
    if (wanted(cut)) {
      writeFileSync(file, cut);
      return;
    }
  }
  writeFileSync(file, bytes.subarray(0, 1));
}

/** Flips 1 to 3 random bits of `file`, retrying until the result differs and satisfies `wanted`. */
function flipUntil(file: string, random: Random, wanted: (b: Buffer) => boolean): void {
  const original = readFileSync(file);
  for (let tries = 0; tries < 500; tries++) {
    const b = Buffer.from(original);
    const flips = random.int(1, 3);
    for (let i = 0; i < flips; i++) {
      const at = random.int(0, b.length - 1);
      b[at] = b[at]! ^ (1 << random.int(0, 7));
    }
    if (!b.equals(original) && wanted(b)) {
      writeFileSync(file, b);
      return;
    }
  }
  throw new Error(`torture: no bit flip of ${file} gave the wanted result in 500 tries`);
}

function spliceBytes(file: string, random: Random): void {
  const bytes = readFileSync(file);
  const at = random.int(0, bytes.length);
  writeFileSync(file, Buffer.concat([bytes.subarray(0, at), randomBytes(random, random.int(1, 16)), bytes.subarray(at)]));
}

/** `text` with `entries` added at the top of its `locals:` block. */
function inLocals(text: string, entries: string): string {
  if (!text.includes('\nlocals:\n')) throw new Error('torture: the language example no longer has a locals block');
  return text.replace('\nlocals:\n', `\nlocals:\n${entries}`);
}

function insertAtLineStart(text: string, snippet: string, random: Random): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const at = random.pick(starts);
  return text.slice(0, at) + snippet + text.slice(at);
}
