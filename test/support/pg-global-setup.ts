/**
 * Vitest globalSetup: a PostgreSQL server for the tests that want one (test/support/pg.ts).
 *
 * - HL_TEST_PG_URL already set (.ci/run starts a cluster and sets it): that server is used.
 * - Else, when PostgreSQL's binaries exist (scripts/pg-test-cluster.sh bindir), a throwaway
 *   cluster is started in a temporary directory with scripts/pg-test-cluster.sh and stopped,
 *   its directory removed, in the teardown. Starting it fails the run loudly when it breaks.
 * - Else nothing is provided, and describeWithPg suites skip (fail when CI=true).
 * - HL_TEST_PG=off starts nothing (`npm run test:fast`, whose tests need no database).
 *
 * The URL reaches the tests as inject('pgUrl') and, for the processes they spawn, as
 * process.env.HL_TEST_PG_URL (set here before the test workers are forked, so they inherit it).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the test PostgreSQL server; absent (undefined) when there is none. */
    pgUrl: string;
  }
}

const SCRIPT = fileURLToPath(new URL('../../scripts/pg-test-cluster.sh', import.meta.url));

interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

function script(...args: string[]): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT, ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.HL_TEST_PG === 'off') return undefined;
  const given = process.env.HL_TEST_PG_URL;
  if (given) {
    project.provide('pgUrl', given);
    return undefined;
  }
  if ((await script('bindir')).code !== 0) {
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hl-pg-test-'));
  const started = await script('start', dir);
  if (started.code !== 0) {
    throw new Error(`scripts/pg-test-cluster.sh start ${dir} failed (exit ${started.code}):\n${started.stdout}${started.stderr}`);
  }
  const url = /^HL_TEST_PG_URL=(.+)$/m.exec(readFileSync(join(dir, 'env'), 'utf8'))?.[1];
  if (!url) {
    await script('stop', dir);
    throw new Error(`scripts/pg-test-cluster.sh start ${dir} wrote no HL_TEST_PG_URL to ${dir}/env`);
  }
  process.env.HL_TEST_PG_URL = url;
  project.provide('pgUrl', url);
  return async () => {
    delete process.env.HL_TEST_PG_URL;
    const stopped = await script('stop', dir);
    if (stopped.code !== 0) {
      throw new Error(`scripts/pg-test-cluster.sh stop ${dir} failed (exit ${stopped.code}):\n${stopped.stdout}${stopped.stderr}`);
    }
  };
}
