/**
 * Issue 15, item 6: config files and var files that are not UTF-8, or hold a NUL byte, are
 * refused at the file:line:col of the first offending byte (they used to become U+FFFD).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFiles, loadVarFiles } from '../../src/engine/load-config.js';
import { decodeSourceBytes, firstInvalidUtf8 } from '../../src/yaml/source-text.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('decodeSourceBytes', () => {
  it('decodes UTF-8, keeping a BOM and every character', () => {
    expect(decodeSourceBytes(bytes('a: "é😀"\n'))).toEqual({ text: 'a: "é😀"\n' });
    expect(decodeSourceBytes(bytes([0xef, 0xbb, 0xbf], 'a: 1\n'))).toEqual({ text: '\ufeffa: 1\n' });
  });

  it('locates the first invalid byte by line and column (in characters)', () => {
    expect(decodeSourceBytes(bytes('a: 1\nb: "é', [0xff], '"\n')).problem).toEqual({
      summary: 'The file is not valid UTF-8: byte 0xFF at offset 11 is not part of a UTF-8 character',
      line: 2,
      col: 6,
    });
  });

  it('refuses truncated, overlong and surrogate sequences', () => {
    expect(firstInvalidUtf8(bytes('ab', [0xc3]))).toBe(2);
    expect(firstInvalidUtf8(bytes([0xc0, 0xaf]))).toBe(0);
    expect(firstInvalidUtf8(bytes('x', [0xed, 0xa0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(bytes('x', [0xf4, 0x90, 0x80, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(bytes('é😀'))).toBe(6);
  });

  it('refuses a NUL byte, even in otherwise valid UTF-8', () => {
    expect(decodeSourceBytes(bytes('a: 1\n\nb: x', [0], 'y\n')).problem).toEqual({
      summary: 'The file holds a NUL byte; config and variable files must be text',
      line: 3,
      col: 5,
    });
  });
});

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hl-source-encoding-'));
  await writeFile(path.join(dir, 'latin1.yaml'), bytes('locals:\n  name: "caf', [0xe9], '"\n'));
  await writeFile(path.join(dir, 'nul.yaml'), bytes('locals:\n  a: 1', [0], '\n'));
  await writeFile(path.join(dir, 'vars.yaml'), bytes('domain: maas\nsecret: "', [0xc3, 0x28], '"\n'));
  await writeFile(path.join(dir, 'good.yaml'), 'locals: { name: "café" }\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loading files', () => {
  it('refuses a config file that is not UTF-8 at file:line:col', async () => {
    const r = await loadConfigFiles(path.join(dir, 'latin1.yaml'));
    expect(r.files).toEqual([]);
    expect(r.diagnostics.map((d) => [d.location, d.summary])).toEqual([
      [{ file: path.join(dir, 'latin1.yaml'), line: 2, col: 13 }, 'The file is not valid UTF-8: byte 0xE9 at offset 20 is not part of a UTF-8 character'],
    ]);
  });

  it('refuses a config file with a NUL byte at file:line:col', async () => {
    const r = await loadConfigFiles(path.join(dir, 'nul.yaml'));
    expect(r.diagnostics.map((d) => [d.location?.line, d.location?.col, d.summary])).toEqual([[2, 7, 'The file holds a NUL byte; config and variable files must be text']]);
  });

  it('refuses a var file that is not UTF-8 at file:line:col', async () => {
    const r = await loadVarFiles([path.join(dir, 'vars.yaml')]);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.map((d) => [d.location, d.summary])).toEqual([
      [{ file: path.join(dir, 'vars.yaml'), line: 2, col: 10 }, 'The file is not valid UTF-8: byte 0xC3 at offset 22 is not part of a UTF-8 character'],
    ]);
  });

  it('reads UTF-8 text unchanged', async () => {
    const r = await loadConfigFiles(path.join(dir, 'good.yaml'));
    expect(r.diagnostics).toEqual([]);
    expect(r.files[0]!.text).toBe('locals: { name: "café" }\n');
  });
});
