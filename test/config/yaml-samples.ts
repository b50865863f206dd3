/**
 * YAML samples for the differential tests of the YAML fast path and its scanner: every YAML
 * file of the repo, random documents of the common shapes (with a sprinkling of what must
 * fall back), mutated copies and random token soup, all from seeded generators so that a
 * failure can be replayed.
 */
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

export type Rng = () => number;

export function rng(seed: number): Rng {
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

export function pick<T>(r: Rng, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

/** Every YAML file of the repo, outside dependencies and build output. */
export function repoYamlFiles(dir = '.'): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...repoYamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out.sort();
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
export function generate(r: Rng, maxDepth = 4): string {
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
export function mutate(r: Rng, text: string): string {
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

export function soup(r: Rng): string {
  let t = '';
  const n = 1 + Math.floor(r() * 25);
  for (let i = 0; i < n; i++) t += pick(r, SOUP);
  return t;
}

export function* many(count: number, make: (i: number) => string): Generator<string> {
  for (let i = 0; i < count; i++) yield make(i);
}
