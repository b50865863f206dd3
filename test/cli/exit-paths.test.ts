/**
 * Every way hl ends leaves no state lock and no temp file, and prints no stack trace
 * (issue 14, item 6): a reader that closes the pipe early (`hl state list | head`), signals,
 * uncaught errors; and read-only commands take no lock, so they work while a run holds it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { hlBin, repoRoot } from '../../bench/torture/hl-process.js';
import { runHl, startHl, type HlResult } from '../support/run-hl.js';

let dir: string;
const STATE = 'homelab.state.json';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hl-exit-'));
});

/** A state of `n` fake resources with long names, written directly (several pipe buffers of output). */
function writeBigState(n: number): void {
  const resources = Array.from({ length: n }, (_, i) => {
    const name = `resource_with_a_long_name_to_fill_the_pipe_${String(i).padStart(5, '0')}`;
    return {
      address: `fake_resource.${name}`,
      mode: 'managed',
      type: 'fake_resource',
      name,
      index: null,
      provider: 'fake',
      id: `fake-${i}`,
      attributes: { id: `fake-${i}`, serial: 0, name, value: 'v'.repeat(200), size: null, tags: null, description: null, secret: null, fail: null },
      sensitivePaths: [['secret']],
      dependencies: [],
      status: 'ready',
    };
  });
  const state = { version: 1, lineage: 'b65819f6-6ffe-4db9-b687-8235608ed91d', serial: 1, hlVersion: '0.1.0', resources, outputs: {} };
  writeFileSync(join(dir, STATE), JSON.stringify(state, null, 2), { mode: 0o600 });
  writeFileSync(join(dir, 'homelab.yaml'), 'resources: {}\n');
}

/** Runs hl and closes its stdout as soon as the first chunk arrives, as `| head -1` does. */
function runWithStdoutClosedEarly(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; chunks: number }> {
  const child = spawn(process.execPath, [hlBin(), ...args], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let chunks = 0;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', () => {
    chunks++;
    child.stdout.destroy();
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr, chunks })));
}

function leftovers(): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.lock') || f.includes('.lock.') || f.endsWith('.tmp'));
}

function expectClean(r: { code: number | null; stderr: string }, code: number): void {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/EPIPE|internal error/i);
  expect(r.code).toBe(code);
  expect(leftovers()).toEqual([]);
}

describe('a reader that closes stdout early', () => {
  for (const args of [['state', 'list'], ['show'], ['show', '--json']]) {
    it(`ends "hl ${args.join(' ')}" quietly, exit 0, no lock, no temp files`, async () => {
      writeBigState(1500);
      const r = await runWithStdoutClosedEarly(args);
      expect(r.chunks).toBeGreaterThan(0);
      expectClean(r, 0);
    }, 30_000);
  }

  it('ends "hl plan" (which takes the lock) quietly, with its normal exit code, lock released', async () => {
    writeFileSync(join(dir, 'homelab.yaml'), `resources:\n  fake_resource.r:\n    count: 400\n    name: "a-rather-long-name-for-resource-\${count.index}"\n    description: "${'d'.repeat(200)}"\n`);
    const r = await runWithStdoutClosedEarly(['plan', '--detailed-exitcode']);
    expect(r.chunks).toBeGreaterThan(0);
    expectClean(r, 2);
  }, 30_000);

  it('ends a locking command quietly too, and it still does its work (hl state rm with stdout gone)', async () => {
    writeBigState(3);
    const r = await runWithStdoutClosedEarly(['state', 'rm', 'fake_resource.resource_with_a_long_name_to_fill_the_pipe_00001']);
    expectClean(r, 0);
    const state = JSON.parse(readFileSync(join(dir, STATE), 'utf8')) as { resources: { address: string }[] };
    expect(state.resources.map((x) => x.address)).not.toContain('fake_resource.resource_with_a_long_name_to_fill_the_pipe_00001');
  }, 30_000);
});

describe('read-only commands take no lock', () => {
  it('show, output, state list/show, graph, docs and validate work while another process holds the lock; state rm is refused', async () => {
    writeBigState(3);
    // a lock held by a live process on this host (this test runner): not stale
    const lock = { id: 'held-by-the-test', pid: process.pid, host: hostname(), user: userInfo().username, operation: 'apply', created: new Date().toISOString(), version: '0.1.0' };
    const lockText = JSON.stringify(lock);
    writeFileSync(join(dir, `${STATE}.lock`), lockText);
    const addr = 'fake_resource.resource_with_a_long_name_to_fill_the_pipe_00002';
    const runs: [string[], string][] = [
      [['show'], `# ${addr} (id fake-2)`],
      [['show', '--json'], '"lineage"'],
      [['output'], ''],
      [['state', 'list'], addr],
      [['state', 'show', addr], `# ${addr} (id fake-2`],
      [['graph'], ''],
      [['docs', '--refresh=false'], addr],
      [['validate'], 'Success!'],
    ];
    for (const [args, expected] of runs) {
      const r = await runHl(args, { cwd: dir });
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(r.stdout).toContain(expected);
    }
    const rm = await runHl(['state', 'rm', addr], { cwd: dir });
    expect(rm.code).toBe(1);
    expect(rm.stderr).toContain('State is locked by hl apply');
    // the holder's lock is untouched
    expect(readFileSync(join(dir, `${STATE}.lock`), 'utf8')).toBe(lockText);
  }, 60_000);
});

describe('signals', () => {
  /** An applied fake resource whose provider then reads slowly: `hl plan` holds the lock for seconds. */
  async function slowPlan(): Promise<{ done: Promise<HlResult>; kill(signal: NodeJS.Signals): void }> {
    writeFileSync(join(dir, 'homelab.yaml'), 'resources:\n  fake_resource.a: { name: a }\n');
    expect((await runHl(['apply', '--auto-approve'], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, 'homelab.yaml'), 'providers:\n  fake: { latency_ms: 20000 }\nresources:\n  fake_resource.a: { name: a }\n');
    const run = startHl(['plan'], { cwd: dir });
    for (let i = 0; i < 200 && !existsSync(join(dir, `${STATE}.lock`)); i++) await sleep(25);
    expect(existsSync(join(dir, `${STATE}.lock`))).toBe(true);
    return { done: run.done, kill: (s) => run.child.kill(s) };
  }

  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129], ['SIGINT', 130]] as const) {
    it(`${signal} during hl plan exits ${code} and releases the lock`, async () => {
      const run = await slowPlan();
      run.kill(signal);
      const r = await run.done;
      expect(r.signal).toBe(null);
      expectClean(r, code);
    }, 30_000);
  }
});

describe('an uncaught error', () => {
  /** A process wired as hl's main is, holding the state lock, that then fails as a bug would. */
  async function failWhileLocked(how: string, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
    const dist = (p: string) => pathToFileURL(join(repoRoot(), 'dist', 'src', p)).href;
    const script = `
      const { installExitPaths } = await import(${JSON.stringify(dist('cli/process-exit-paths.js'))});
      const { acquireLock } = await import(${JSON.stringify(dist('state/state-lock.js'))});
      installExitPaths(process.env);
      await acquireLock(${JSON.stringify(join(dir, STATE))}, { operation: 'apply' });
      setInterval(() => undefined, 1000);
      ${how}
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  }

  it('thrown: reported as a bug in one line, exit 1, lock released', async () => {
    const r = await failWhileLocked(`setTimeout(() => { throw new Error('boom'); }, 10);`);
    expect(r.stderr).toContain('Error: internal error in hl: boom');
    expectClean({ code: r.code, stderr: r.stderr.replace('internal error', '') }, 1);
  });

  it('rejected: the same, and the stack only with HL_DEBUG', async () => {
    const r = await failWhileLocked(`Promise.reject(new Error('late'));`, { HL_DEBUG: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: internal error in hl: late');
    expect(r.stderr).toMatch(/\n\s+at /);
    expect(leftovers()).toEqual([]);
  });
});
