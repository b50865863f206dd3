/**
 * The fast path's own core-schema typing (src/config/yaml-core-scalar.ts) against the
 * `yaml` package's core tags, the oracle: same tags in the same order, same resolution, on
 * every interesting plain scalar and on many random ones built from the characters the
 * patterns care about.
 */
import { describe, expect, it } from 'vitest';
import { Document, isScalar, type ScalarTag } from 'yaml';
import { resolvePlainScalar } from '../../src/yaml/yaml-core-scalar.js';
import { rng } from './yaml-samples.js';

/** What `parseDocument` gives a plain scalar (as the fast path used to compute it), or undefined where the slow path reports. */
function oracle(text: string): string | number | boolean | null | undefined {
  const doc = new Document(undefined, { merge: false, uniqueKeys: false });
  const tags = (doc.schema.tags as ScalarTag[]).filter((t) => t.default === true && t.test !== undefined && !('collection' in t && t.collection));
  const tag = tags.find((t) => t.test!.test(text));
  if (!tag) return text;
  let failed = false;
  const resolved = tag.resolve(text, () => (failed = true), doc.options);
  if (failed) return undefined;
  const value: unknown = isScalar(resolved) ? resolved.value : resolved;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) return undefined;
    return value;
  }
  return undefined;
}

const CASES = [
  '', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'yes', 'on', 'off', 'y',
  '0', '-0', '+0', '12', '-12', '+12', '007', '0o17', '0o8', '0O17', '0x1F', '0x1f', '0X1F', '0xG', '-0x1F',
  '1.5', '-1.5', '+.5', '.5', '5.', '1.0', '1e3', '1E3', '1e+3', '1e-3', '.5e2', '5.e2', '1e', 'e3', '1.2.3',
  '.inf', '-.inf', '+.INF', '.Inf', '.nan', '.NaN', '.NAN', '-.nan', 'inf', 'nan',
  '9007199254740991', '9007199254740993', '99999999999999999999', '1e400', '0x1FFFFFFFFFFFFF', '0x20000000000001',
  '${var.x}', 'a b', '1 2', ' 1', '1 ', 'local-lvm:vm-101-disk-0', '10.0.0.1', '10.0', '1_000', '0b101',
];

const PARTS = ['0', '1', '7', '8', '9', '.', 'e', 'E', '+', '-', 'x', 'o', 'a', 'F', 'inf', 'nan', 'Inf', 'NaN', 'null', 'true', '~', ' ', '_'];

describe('core-schema typing of plain scalars', () => {
  it('matches the yaml package on the interesting cases', () => {
    for (const text of CASES) expect([text, resolvePlainScalar(text)]).toEqual([text, oracle(text)]);
  });

  it('matches the yaml package on 20,000 random scalars', () => {
    const r = rng(20261126);
    const mismatches: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const n = 1 + Math.floor(r() * 6);
      for (let j = 0; j < n; j++) text += PARTS[Math.floor(r() * PARTS.length)]!;
      const mine = resolvePlainScalar(text);
      const theirs = oracle(text);
      if (!Object.is(mine, theirs)) mismatches.push(`${JSON.stringify(text)}: ${String(mine)} vs ${String(theirs)}`);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
