/**
 * hl as an installed tool: `npm pack` of the built tree, `npm install --global` of the tarball
 * into a temporary prefix (npm's cache first, the registry for what it lacks; nothing is built
 * at install), then the installed `hl` run from an unrelated directory. Skipped, saying why,
 * only when the registry cannot be reached for what the cache lacks.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/run-hl.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;

const CONFIG = `
resources:
  fake_resource.web: { name: web, value: 1 }
`;

/** npm's environment without the npm_* variables of an enclosing `npm test`. */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function exec(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e) };
  }
}

const temp = mkdtempSync(join(tmpdir(), 'hl-installed-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('hl installed from its npm package', () => {
  it('packs the build without tests or bench, installs from the npm cache with no build, and plans in an unrelated directory', { timeout: 60_000 }, async (ctx) => {
    assertBuilt();
    // --ignore-scripts: npm test has just built dist/ (pretest); pack would run prepare, a second build.
    const packed = await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', temp], repo, npmEnv());
    expect(packed.code, packed.stderr).toBe(0);
    const [pack] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = pack!.files.map((f) => f.path);
    for (const needed of [
      'dist/src/cli/main.js',
      'dist/schemas/precompiled/index.cjs',
      'dist/providers/fake/fake-provider.js',
      'schemas/state.schema.json',
      'schemas/maas_device.schema.json',
    ]) {
      expect(files, needed).toContain(needed);
    }
    expect(files.filter((f) => /^(dist\/(bench|scripts|test)\/|test\/|src\/|providers\/)|\.(ts|map)$/.test(f))).toEqual([]);

    const prefix = join(temp, 'prefix');
    const installed = await exec(
      'npm',
      ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(temp, pack!.filename)],
      temp,
      npmEnv(),
    );
    if (installed.code !== 0 && /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH/.test(installed.stderr)) {
      const missing = /request to (\S+) failed/.exec(installed.stderr)?.[1] ?? 'a package';
      ctx.skip(`the install needs ${missing}, which is neither in npm's cache nor reachable on the registry`);
    }
    expect(installed.code, installed.stderr).toBe(0);
    const pkgDir = join(prefix, 'lib', 'node_modules', 'hl');
    expect(existsSync(join(pkgDir, 'dist', 'schemas', 'precompiled', 'index.cjs'))).toBe(true);
    // No build at install: the installed tree has none of the build's tools.
    expect(existsSync(join(pkgDir, 'node_modules', 'typescript'))).toBe(false);

    const work = join(temp, 'elsewhere');
    mkdirSync(work);
    writeFileSync(join(work, 'homelab.yaml'), CONFIG);
    const hl = join(prefix, 'bin', 'hl');
    const env = { PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? temp, NO_COLOR: '1' };

    const shown = await exec(hl, ['--version'], work, env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout.split('\n')[0]).toBe(`hl ${version}`);

    const plan = await exec(hl, ['plan'], work, env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('# fake_resource.web will be created');
    expect(plan.stdout).toContain('Plan: 1 to add, 0 to change, 0 to replace, 0 to destroy.');
  });
});
