/**
 * What `hl --help` and `hl validate` load (issue #24: start-up as a ratio to bare Node). The
 * built hl runs with a module trace preloaded (test/support/module-trace.mjs), and the test
 * reads which of hl's files, which libraries and which of Node's modules the process loaded:
 * `hl --help` needs the command-line floor only; `hl validate` on the example loads the code
 * of the providers it uses, to check their blocks, but none of their client libraries, no
 * emulator server and nothing a config without regular expressions does not need.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, hlBin, repoRoot } from '../../bench/torture/hl-process.js';

const TRACE_PRELOAD = fileURLToPath(new URL('../support/module-trace.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hl-start-up-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Loaded {
  /** hl's own files, relative to dist/ (`src/cli/main.js`, `providers/kuma/index.js`, ...). */
  hl: string[];
  /** The npm packages with at least one file loaded (`kleur`, `ajv`, ...). */
  packages: Set<string>;
  /** Their files loaded, from the package's name on (`ajv/dist/runtime/equal.js`). */
  libraryFiles: string[];
  /** Node's public built-in modules loaded (`fs`, `tls`, ...; not `internal/...`). */
  builtins: Set<string>;
}

let runs = 0;
function loadedBy(args: string[]): Loaded {
  assertBuilt();
  const trace = join(dir, `trace-${++runs}.txt`);
  const r = spawnSync(process.execPath, ['--import', TRACE_PRELOAD, hlBin(), ...args], {
    cwd: repoRoot(),
    env: { ...process.env, NO_COLOR: '1', HL_MODULE_TRACE: trace, HL_LOG: '' },
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  const urls = [...new Set(readFileSync(trace, 'utf8').split('\n').filter(Boolean))];
  const distRoot = `${new URL('dist/', `file://${repoRoot()}/`).href}`;
  return {
    hl: urls.filter((u) => u.startsWith(distRoot)).map((u) => u.slice(distRoot.length)),
    packages: new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? [])),
    libraryFiles: urls.flatMap((u) => /\/node_modules\/(.+)$/.exec(u)?.[1] ?? []),
    builtins: new Set(urls.flatMap((u) => (u.startsWith('node:') && !u.startsWith('node:internal/') ? [u.slice('node:'.length)] : []))),
  };
}

/** Libraries only talking to a remote system (or hl watch's metrics) needs. */
const CLIENT_LIBRARIES = ['undici', 'socket.io-client', 'proxmox-api', 'pg', 'prom-client'];

describe('start-up: what a command loads', () => {
  it('hl --help loads the command line and the help text: no engine operation, no provider, no library', () => {
    const loaded = loadedBy(['--help']);
    expect(loaded.hl).toContain('src/cli/help-text.js');
    const outsideCli = loaded.hl.filter(
      (f) => !/^src\/(cli|core)\//.test(f) && !['src/version.js', 'src/engine/exit-cleanup.js', 'src/state/exit-release.js'].includes(f),
    );
    expect(outsideCli).toEqual([]);
    expect([...loaded.packages]).toEqual([]);
    for (const m of ['readline', 'tls', 'http', 'https', 'crypto']) expect(loaded.builtins, m).not.toContain(m);
  });

  it('hl validate on the example loads the providers it uses, but no client library, no emulator server, no regex engine', () => {
    const loaded = loadedBy(['validate', '-c', 'examples/homelab.yaml']);
    // the example uses every provider but the fake one: their planning code checks its blocks
    for (const p of ['proxmox', 'crucible', 'coral', 'maas', 'kuma']) expect(loaded.hl).toContain(`providers/${p}/index.js`);
    expect(loaded.hl).not.toContain('providers/fake/index.js');
    for (const lib of [...CLIENT_LIBRARIES, 're2js']) expect(loaded.packages, lib).not.toContain(lib);
    // ajv's compiler: every schema validate uses has a validator precompiled by the build
    expect(loaded.hl.filter((f) => f.startsWith('schemas/precompiled/')).length).toBeGreaterThan(0);
    expect(loaded.libraryFiles.filter((f) => f.startsWith('ajv/') && !f.startsWith('ajv/dist/runtime/'))).toEqual([]);
    // no emulator (a server) and no connection
    expect(loaded.hl.filter((f) => /\/emulator\//.test(f) && !f.endsWith('-profile.js'))).toEqual([]);
    for (const m of ['tls', 'http', 'https', 'readline']) expect(loaded.builtins, m).not.toContain(m);
  });
});
