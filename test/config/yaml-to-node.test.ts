import { describe, expect, it } from 'vitest';
import type { MapNode, Node } from '../../src/yaml/node.js';
import { nodeToValue } from '../../src/yaml/node-value.js';
import { parseYamlFile } from '../../src/yaml/yaml-to-node.js';

function parse(text: string) {
  return parseYamlFile({ path: 'main.yaml', text });
}

function ok(text: string): Node {
  const r = parse(text);
  expect(r.diagnostics).toEqual([]);
  return r.node!;
}

function entry(n: Node, key: string) {
  if (n.kind !== 'map') throw new Error(`not a map: ${n.kind}`);
  const e = n.entries.find((x) => x.key === key);
  if (!e) throw new Error(`no key ${key}`);
  return e;
}

function at(line: number, col: number) {
  return { file: 'main.yaml', line, col };
}

/** The single error's summary and location. */
function oneError(text: string) {
  const r = parse(text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toHaveLength(1);
  return { summary: errors[0]!.summary, detail: errors[0]!.detail, location: errors[0]!.location, node: r.node };
}

describe('parseYamlFile: locations', () => {
  it('records where each value and key starts, 1-based', () => {
    const root = ok('resources:\n  proxmox_vm.k3s:\n    name: k3s\n    memory: 4096\n    tags: [a, b]\n');
    expect(root.loc).toEqual(at(1, 1));
    const resources = entry(root, 'resources');
    expect(resources.keyLoc).toEqual(at(1, 1));
    expect(resources.value.loc).toEqual(at(2, 3));
    const vm = entry(resources.value, 'proxmox_vm.k3s');
    expect(vm.keyLoc).toEqual(at(2, 3));
    expect(vm.value.loc).toEqual(at(3, 5));
    const name = entry(vm.value, 'name');
    expect(name.keyLoc).toEqual(at(3, 5));
    expect(name.value).toEqual({ kind: 'scalar', value: 'k3s', loc: at(3, 11), style: 'plain' });
    expect(entry(vm.value, 'memory').value).toEqual({ kind: 'scalar', value: 4096, loc: at(4, 13) });
    const tags = entry(vm.value, 'tags').value;
    expect(tags.kind).toBe('seq');
    expect(tags.loc).toEqual(at(5, 11));
    if (tags.kind === 'seq') expect(tags.items.map((i) => i.loc)).toEqual([at(5, 12), at(5, 15)]);
  });

  it('locates flow maps at their brace and block sequences at their first dash', () => {
    const root = ok('a: { b: 1 }\nc:\n  - x\n  - y\n');
    expect(entry(root, 'a').value.loc).toEqual(at(1, 4));
    expect(entry(entry(root, 'a').value, 'b').value.loc).toEqual(at(1, 9));
    const c = entry(root, 'c').value;
    expect(c.loc).toEqual(at(3, 3));
    if (c.kind === 'seq') expect(c.items[1]!.loc).toEqual(at(4, 5));
  });

  it('records how each string was written, for exact columns inside expressions', () => {
    const root = ok('a: plain\nb: \'single\'\nc: "double"\nd: |\n  block\ne: folded\n  over lines\nf: 1\n');
    const styles = (root as MapNode).entries.map((e) => (e.value as { style?: string }).style);
    expect(styles).toEqual(['plain', 'single', 'double', 'block', 'block', undefined]);
  });

  it('ignores a byte-order mark when counting columns', () => {
    const root = ok('\uFEFFa: 1\n');
    expect(entry(root, 'a').keyLoc).toEqual(at(1, 1));
  });

  it('uses the YAML 1.2 core schema: yes/no/on stay strings, templates are plain strings', () => {
    const root = ok('a: yes\nb: on\nc: true\nd: ~\ne: 0x1F\nf: "${var.x}"\ng: ${var.y}\nh: 1e3\n');
    expect(nodeToValue(root)).toEqual({ a: 'yes', b: 'on', c: true, d: null, e: 31, f: '${var.x}', g: '${var.y}', h: 1000 });
  });

  it('gives an empty map for an empty file, a comment-only file or a null document', () => {
    for (const text of ['', '# only a comment\n', '~\n', '\n\n']) {
      const r = parse(text);
      expect(r.diagnostics).toEqual([]);
      expect(r.node).toMatchObject({ kind: 'map', entries: [] });
    }
    expect(parse('').node!.loc).toEqual(at(1, 1));
  });

  it('gives a null value with a location to a key without a value', () => {
    const root = ok('a:\nb: 1\n');
    expect(entry(root, 'a').value).toMatchObject({ kind: 'scalar', value: null });
    expect(entry(root, 'a').value.loc.line).toBe(1);
  });
});

describe('parseYamlFile: keys', () => {
  it('converts non-string keys to strings as written', () => {
    const root = ok('1.0: a\ntrue: b\n42: c\nnull: d\n0x1F: e\n');
    expect((root as MapNode).entries.map((e) => e.key)).toEqual(['1.0', 'true', '42', 'null', '0x1F']);
  });

  it('reports a duplicate key at the second occurrence, naming the first', () => {
    const e = oneError('a: 1\nb:\n  c: 1\n  c: 2\n');
    expect(e.summary).toBe('Duplicate key "c"; first defined at main.yaml:3:3');
    expect(e.location).toEqual(at(4, 3));
  });

  it('reports duplicate keys in flow maps too', () => {
    const e = oneError('a: { x: 1, x: 2 }\n');
    expect(e.summary).toContain('Duplicate key "x"');
    expect(e.location).toEqual(at(1, 12));
  });

  it('refuses maps or lists used as keys', () => {
    const e = oneError('? [a, b]\n: 1\n');
    expect(e.summary).toBe('A map key must be a plain value, not a map or a list');
    expect(e.location).toEqual(at(1, 3));
  });

  it('refuses an empty key', () => {
    const e = oneError(': 1\n');
    expect(e.summary).toBe('Empty map key');
    expect(e.location).toEqual(at(1, 1));
  });

  it('keeps a quoted "<<" as an ordinary key', () => {
    expect(nodeToValue(ok('"<<": 1\n'))).toEqual({ '<<': 1 });
  });

  it('keeps a __proto__ key as data', () => {
    const v = nodeToValue(ok('__proto__: { polluted: true }\n')) as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseYamlFile: anchors, aliases and merge keys', () => {
  it('resolves aliases; the aliased node is located at the alias, its children at the anchor', () => {
    const root = ok('base: &b { cores: 2, memory: 1024 }\nvm: *b\n');
    expect(nodeToValue(root)).toEqual({ base: { cores: 2, memory: 1024 }, vm: { cores: 2, memory: 1024 } });
    const vm = entry(root, 'vm').value;
    expect(vm.loc).toEqual(at(2, 5));
    expect(entry(vm, 'cores').value.loc).toEqual(at(1, 19));
  });

  it('applies merge keys; explicit keys win, earlier merges win over later ones', () => {
    const root = ok('a: &a { x: 1, y: 1 }\nb: &b { y: 2, z: 2 }\nc:\n  <<: [*a, *b]\n  x: 3\n');
    expect(nodeToValue(entry(root, 'c').value)).toEqual({ x: 3, y: 1, z: 2 });
  });

  it('merges a single map', () => {
    const root = ok('d: &d { cores: 2 }\nvm:\n  <<: *d\n  name: x\n');
    expect(nodeToValue(entry(root, 'vm').value)).toEqual({ cores: 2, name: 'x' });
  });

  it('refuses merging something that is not a map', () => {
    const e = oneError('s: &s hello\nvm:\n  <<: *s\n');
    expect(e.summary).toBe('A merge key "<<" takes a map or a list of maps');
    expect(e.location).toEqual(at(3, 7));
  });

  it('reports an alias to an unknown anchor', () => {
    const e = oneError('a: *nope\n');
    expect(e.summary).toBe('Unknown alias "*nope"');
    expect(e.location).toEqual(at(1, 4));
  });

  it('reports a recursive alias', () => {
    const e = oneError('a: &x [1, *x]\n');
    expect(e.summary).toContain('Recursive alias "*x"');
    expect(e.location).toEqual(at(1, 11));
  });

  it('stops a "billion laughs" expansion', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const r = parse(lines.join('\n') + '\n');
    expect(r.diagnostics.some((d) => d.summary.startsWith('Aliases expand to more than'))).toBe(true);
  });
});

describe('parseYamlFile: tags and odd values', () => {
  it('accepts core tags', () => {
    expect(nodeToValue(ok('a: !!str 12\nb: !!int "7"\nc: ! 5\n'))).toEqual({ a: '12', b: 7, c: '5' });
  });

  it('refuses binary data', () => {
    const e = oneError('key: !!binary aGVsbG8=\n');
    expect(e.summary).toBe('Binary data (!!binary) is not supported');
    expect(e.location).toEqual(at(1, 6));
  });

  it('refuses custom and YAML 1.1 tags', () => {
    expect(oneError('a: !vault xyz\n')).toMatchObject({ summary: 'Unsupported YAML tag "!vault"', location: at(1, 4) });
    expect(oneError('a: !!set { x }\n').summary).toBe('Unsupported YAML tag "!!set"');
    expect(oneError('a: !!timestamp 2001-12-14\n').summary).toBe('Unsupported YAML tag "!!timestamp"');
  });

  it('refuses non-finite numbers', () => {
    const e = oneError('a: .inf\n');
    expect(e.summary).toBe('Unsupported number ".inf": numbers must be finite');
    expect(e.location).toEqual(at(1, 4));
  });

  it('warns about integers too large to be exact', () => {
    const r = parse('id: 12345678901234567890\n');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'warning', location: at(1, 5) });
  });
});

describe('parseYamlFile: syntax errors', () => {
  const cases: [string, string, string, [number, number]][] = [
    ['unclosed flow sequence', 'a: 1\nb: [1, 2\n', 'a list opened with "[" is not closed with "]"', [3, 1]],
    ['bad indentation', 'a:\n  b: 1\n c: 2\n', 'all mapping items must start at the same column', [3, 1]],
    ['tab indentation', 'a:\n\t- b\n', 'tabs are not allowed as indentation', [2, 1]],
    ['nested map on one line', 'a: b: c\n', 'a nested map cannot start on the same line as its key', [1, 4]],
    ['unterminated quote, at the opening quote', 'a: "abc\nb: 1\n', 'double-quoted string is never closed', [1, 4]],
    ['unterminated single quote', "a: 'it''s\n", 'single-quoted string is never closed', [1, 4]],
    ['second document', 'a: 1\n---\nb: 2\n', 'a config file must hold a single YAML document', [2, 1]],
    ['bad escape', 'a: "x\\q"\n', 'invalid escape sequence', [1, 6]],
    ['reserved character', 'a: @foo\n', 'a plain value cannot start with "@"', [1, 4]],
    ['stray colon', '- a\nb: 1\n', 'unexpected', [2, 1]],
  ];
  it.each(cases)('%s', (_name, text, message, [line, col]) => {
    const r = parse(text);
    expect(r.node).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.summary.toLowerCase()).toContain(message.toLowerCase());
    expect(r.diagnostics[0]!.summary).toMatch(/^YAML syntax error: /);
    expect(r.diagnostics[0]!.location).toEqual(at(line, col));
  });

  it('does not leak parser jargon', () => {
    const r = parse('- a\nb: 1\n');
    expect(r.diagnostics[0]!.summary).not.toMatch(/token|YAML stream|parseAllDocuments/);
  });
});
