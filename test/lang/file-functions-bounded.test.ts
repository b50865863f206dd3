/**
 * Issue 15, items 3 and 6: file() and templatefile() read only regular files of at most
 * 4 MiB holding UTF-8, checked before reading (a device or FIFO is never read), and say what
 * a path is when it cannot be read, instead of "no file exists".
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfigRelativeFile } from '../../src/engine/config-file-reader.js';
import { evaluateNode } from '../../src/lang/evaluate-node.js';
import { makeCtx, scalar } from './helpers.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hl-file-fn-'));
  mkdirSync(join(root, 'sub'));
  writeFileSync(join(root, 'ok.txt'), 'hello\n');
  writeFileSync(join(root, 'big.txt'), '');
  truncateSync(join(root, 'big.txt'), 4 * 1024 * 1024 + 1);
  writeFileSync(join(root, 'edge.txt'), 'x'.repeat(4 * 1024 * 1024));
  writeFileSync(join(root, 'latin1.txt'), Buffer.from([0x61, 0x0a, 0x62, 0x63, 0xe9, 0x0a]));
  writeFileSync(join(root, 'secret.txt'), 'no');
  chmodSync(join(root, 'secret.txt'), 0o000);
  execFileSync('mkfifo', [join(root, 'pipe')]);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function ctx() {
  const c = makeCtx();
  c.paths = { root, cwd: root };
  c.readFile = (p) => readConfigRelativeFile(root, p);
  return c;
}

/** `line:col summary` of the only error, or the value. */
function outcome(text: string): unknown {
  const r = evaluateNode(scalar(text, 2, 5), ctx());
  if (r.diagnostics.length === 0) return r.value;
  expect(r.diagnostics).toHaveLength(1);
  const d = r.diagnostics[0]!;
  return `${d.location!.line}:${d.location!.col} ${d.summary}`;
}

describe('file() reads only bounded regular files', () => {
  it('reads a regular file, and one of exactly 4 MiB', () => {
    expect(outcome('${file("ok.txt")}')).toBe('hello\n');
    expect((outcome('${file("edge.txt")}') as string).length).toBe(4 * 1024 * 1024);
  });

  it('refuses /dev/zero and /dev/urandom as character devices, without reading them', () => {
    expect(outcome('${file("/dev/zero")}')).toBe('2:12 file: cannot read "/dev/zero": it is a character device, not a regular file');
    expect(outcome('${file("/dev/urandom")}')).toBe('2:12 file: cannot read "/dev/urandom": it is a character device, not a regular file');
  });

  it('refuses a FIFO without blocking on it', () => {
    expect(outcome('${file("pipe")}')).toBe(`2:12 file: cannot read "pipe" (${join(root, 'pipe')}): it is a FIFO (named pipe), not a regular file`);
  });

  it('refuses a file over the size limit, naming it', () => {
    expect(outcome('${file("big.txt")}')).toMatch(/^2:12 file: cannot read "big.txt" \(.*\): it is 4,194,305 bytes, more than the limit of 4 MiB for file\(\) and templatefile\(\)$/);
    expect(outcome('${templatefile("big.txt", {})}')).toMatch(/^2:20 templatefile: cannot read "big.txt" .*limit of 4 MiB/);
  });

  it('says a directory is a directory, not that nothing exists', () => {
    expect(outcome('${file("sub")}')).toMatch(/^2:12 file: cannot read "sub" \(.*\): it is a directory, not a regular file$/);
    expect(outcome('${fileexists("sub")}')).toMatch(/^2:18 fileexists: cannot check "sub" .*it is a directory/);
  });

  it.skipIf(process.getuid?.() === 0)('says an unreadable file exists but cannot be read', () => {
    expect(outcome('${file("secret.txt")}')).toMatch(/^2:12 file: cannot read "secret.txt" .*: it exists but cannot be read \(permission denied\)$/);
  });

  it('refuses text that is not UTF-8 at its line and column', () => {
    expect(outcome('${file("latin1.txt")}')).toMatch(/^2:12 file: cannot read "latin1.txt" .*: the file is not valid UTF-8: byte 0xE9 at offset 4 is not part of a UTF-8 character \(line 2, column 3\)/);
  });

  it('still says when nothing is there', () => {
    expect(outcome('${file("nope.txt")}')).toMatch(/^2:12 file: no file exists at "nope.txt"/);
    expect(outcome('${fileexists("nope.txt")}')).toBe(false);
    expect(outcome('${fileexists("big.txt")}')).toBe(true);
  });
});
