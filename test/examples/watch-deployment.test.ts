/**
 * The deployment examples of `hl watch` (examples/watch/systemd, examples/watch/k3s) must not
 * rot: the systemd units pass `systemd-analyze verify` where it exists, the command lines use
 * only what `hl watch` accepts (checked with the CLI's own parser and option table), the k3s
 * manifests hang together (names, keys, mounts, the probes against a real listener), the
 * ConfigMap's config passes `hl validate` with the Secret's values, stop timeouts cover the
 * longest task hl waits for, and the secrets files hold placeholders only. The pod's layout
 * is run for real: `hl watch` with the Deployment's arguments and environment and the pg
 * backend reads its config from a directory laid out as the kubelet lays out a ConfigMap
 * volume, writes only to HL_DATA_DIR, and after the kubelet's kind of swap, and a key added
 * or removed, reloads by itself, without a signal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_TIMEOUTS } from '../../providers/pve/provider-settings.js';
import { COMMAND_OPTIONS, parseCommandLine } from '../../src/cli/args.js';
import { LOOPBACK_HOSTS } from '../../src/engine/watch/status-server.js';
import { createTestDatabase, describeWithPg, type TestDatabase } from '../support/pg.js';
import { assertBuilt, hlBin, runHl, startHl } from '../support/run-hl.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SYSTEMD = join(REPO, 'examples/watch/systemd');
const K3S = join(REPO, 'examples/watch/k3s');
const UNITS = ['hl-watch.service', 'hl-watch-metrics.socket', 'hl-watch-metrics.service'];
const HL_PATH_IN_UNIT = '/usr/local/bin/hl';

const read = (path: string): string => readFileSync(path, 'utf8');

/** The values of `key=` in a unit file, in order (continuation lines are not used in the examples). */
function unitValues(text: string, key: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1).trim());
}

function unitValue(text: string, key: string): string {
  const values = unitValues(text, key);
  expect(values, `${key}= once`).toHaveLength(1);
  return values[0]!;
}

/** systemd's time spans as the units write them: `32min`, `30s`, `1h`. */
function seconds(span: string): number {
  const m = /^(\d+)(s|min|h)$/.exec(span);
  if (!m) throw new Error(`unexpected time span "${span}"`);
  return Number(m[1]) * { s: 1, min: 60, h: 3600 }[m[2] as 's' | 'min' | 'h'];
}

/**
 * Checks an `hl watch` command line with the CLI's own parser: no unknown option, none that
 * `hl watch` does not take, no bad value; every long option in the option table of `watch`.
 * Returns the parsed options.
 */
function checkWatchArgs(argv: string[]) {
  const { parsed, diagnostics } = parseCommandLine(argv);
  expect(diagnostics.map((d) => d.summary)).toEqual([]);
  expect(parsed?.command).toBe('watch');
  const names = argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]!);
  for (const name of names) expect(COMMAND_OPTIONS['watch'], `--${name}`).toContain(name);
  const listen = parsed!.options.listen;
  expect(listen, '--listen').toBeDefined();
  expect(LOOPBACK_HOSTS).toContain(listen!.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1'));
  return parsed!.options;
}

/** KEY=value lines of an environment file, comments and blank lines left out. */
function envFileEntries(text: string): [string, string][] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .map((l) => {
      const eq = l.indexOf('=');
      expect(eq, l).toBeGreaterThan(0);
      return [l.slice(0, eq), l.slice(eq + 1)];
    });
}

/** A secret's value in an example must be a placeholder: marked REPLACE, nothing that looks like a real key left. */
function expectPlaceholder(key: string, value: string): void {
  expect(value, key).toContain('REPLACE');
  const rest = value.replace(/REPLACE(-[a-z]+)*/g, '');
  expect(rest, `${key}: a token-like run outside the placeholder`).not.toMatch(/[A-Za-z0-9+/_=-]{20,}/);
  expect(rest, `${key}: a UUID`).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
}

describe('examples/watch/systemd', () => {
  const unit = read(join(SYSTEMD, 'hl-watch.service'));
  const execStart = unitValue(unit, 'ExecStart').split(/\s+/);

  const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
  const verifyTitle = analyze
    ? 'systemd-analyze verify accepts the units, and refuses them with a misspelled directive'
    : 'systemd-analyze verify (skipped: systemd-analyze is not installed on this machine)';
  it.skipIf(!analyze)(verifyTitle, () => {
    assertBuilt();
    // verify checks that every Exec*= binary exists and is executable: /usr/local/bin/hl is
    // where `npm install --global` puts hl on the host, not here, so the copies verified run
    // this checkout's built hl instead (the same executable, a Node script with a shebang).
    const verify = (edit: (text: string) => string): { status: number | null; output: string } => {
      const dir = mkdtempSync(join(tmpdir(), 'hl-units-'));
      try {
        for (const name of UNITS) {
          const text = read(join(SYSTEMD, name)).replaceAll(HL_PATH_IN_UNIT, hlBin());
          writeFileSync(join(dir, name), name === 'hl-watch.service' ? edit(text) : text);
        }
        const r = spawnSync(analyze!, ['verify', '--man=no', '--recursive-errors=no', ...UNITS.map((n) => join(dir, n))], {
          encoding: 'utf8',
          timeout: 20_000,
        });
        // only what concerns these units: a host's own units may have warnings of their own
        const output = `${r.stdout}${r.stderr}`
          .split('\n')
          .filter((l) => l.includes('hl-watch'))
          .join('\n');
        return { status: r.status, output };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    expect(verify((t) => t)).toEqual({ status: 0, output: '' });
    // the check bites: a misspelled directive is only a warning to systemd, but it is output
    const misspelled = verify((t) => t.replace(/^ProtectSystem=/m, 'ProtectSystm='));
    expect(misspelled.output).toMatch(/Unknown key.*ProtectSystm/);
    const missing = verify((t) => t.replace('ExecReload=/bin/kill ', 'ExecReload=/bin/no-such-kill '));
    expect(missing.status).not.toBe(0);
  });

  it('runs hl watch with options hl watch accepts, its config and .hl/ in the writable state directory', () => {
    expect(execStart[0]).toBe(HL_PATH_IN_UNIT);
    const options = checkWatchArgs(execStart.slice(1));
    // ProtectSystem=strict: only the StateDirectory is writable, and hl keeps .hl/ beside the config
    expect(unitValue(unit, 'ProtectSystem')).toBe('strict');
    const stateDir = `/var/lib/${unitValue(unit, 'StateDirectory')}`;
    expect(dirname(options.config).startsWith(`${stateDir}/`) || dirname(options.config) === stateDir, options.config).toBe(true);
    // the metrics proxy forwards to the listener
    const proxy = read(join(SYSTEMD, 'hl-watch-metrics.service'));
    expect(unitValue(proxy, 'ExecStart').split(/\s+/).at(-1)).toBe(options.listen);
  });

  it('waits on stop for the longest task hl waits for, reloads with SIGHUP, restarts only on failure', () => {
    expect(unitValue(unit, 'KillSignal')).toBe('SIGTERM');
    expect(seconds(unitValue(unit, 'TimeoutStopSec'))).toBeGreaterThan(Math.max(...Object.values(DEFAULT_TIMEOUTS)));
    expect(unitValue(unit, 'ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(unitValue(unit, 'Restart')).toBe('on-failure');
    expect(unitValue(unit, 'RestartSec')).not.toBe('');
    expect(unitValue(unit, 'NoNewPrivileges')).toBe('yes');
    expect(unitValue(unit, 'CapabilityBoundingSet')).toBe('');
    expect(unitValue(unit, 'RestrictAddressFamilies')).toBe('AF_INET AF_INET6 AF_UNIX');
    // Node's JIT needs writable executable memory
    expect(unitValues(unit, 'MemoryDenyWriteExecute')).toEqual([]);
  });

  it('the example environment file holds placeholders only', () => {
    const entries = envFileEntries(read(join(SYSTEMD, 'hl-watch.env.example')));
    expect(entries.map(([k]) => k)).toContain('HL_PG_CONN_STR');
    for (const [key, value] of entries) {
      expect(value, `${key}: no quotes`).not.toMatch(/^["']/);
      expectPlaceholder(key, value);
    }
  });
});

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  securityContext: { allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean; capabilities: { drop: string[] } };
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
  livenessProbe?: { exec: { command: string[] } };
  readinessProbe?: { exec: { command: string[] } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}

describe('examples/watch/k3s', () => {
  const objects: K8sObject[] = ['namespace.yaml', 'secret.example.yaml', 'configmap.yaml', 'deployment.yaml'].flatMap((file) =>
    parseAllDocuments(read(join(K3S, file))).map((doc) => {
      expect(doc.errors.map(String), file).toEqual([]);
      return doc.toJS() as K8sObject;
    }),
  );
  const one = (kind: string): K8sObject => {
    const found = objects.filter((o) => o.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0]!;
  };
  const namespace = one('Namespace');
  const secret = one('Secret') as K8sObject & { stringData: Record<string, string> };
  const configMap = one('ConfigMap') as K8sObject & { data: Record<string, string> };
  const deployment = one('Deployment') as K8sObject & {
    spec: {
      replicas: number;
      strategy: { type: string };
      template: {
        spec: {
          terminationGracePeriodSeconds: number;
          securityContext: { runAsNonRoot: boolean; runAsUser: number; seccompProfile: { type: string } };
          initContainers?: Container[];
          containers: Container[];
          volumes: { name: string; configMap?: { name: string }; emptyDir?: object }[];
        };
      };
    };
  };
  const pod = deployment.spec.template.spec;
  const hl = pod.containers.find((c) => c.name === 'hl')!;

  it('every document is a Kubernetes object in the namespace', () => {
    for (const o of objects) {
      expect(o.apiVersion, o.kind).toMatch(/^(v1|apps\/v1)$/);
      expect(o.metadata.name, o.kind).toMatch(/^[a-z0-9-]+$/);
      if (o.kind !== 'Namespace') expect(o.metadata.namespace, o.kind).toBe(namespace.metadata.name);
    }
  });

  it('one watcher, recreated, given time to finish an apply in flight', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Math.max(...Object.values(DEFAULT_TIMEOUTS)));
  });

  it('runs hl watch under the image entrypoint on the read-only ConfigMap directory, .hl/ in a writable HL_DATA_DIR', () => {
    // `command` would replace the entrypoint, tini, which forwards SIGHUP from `kill -HUP 1`
    expect(hl.command).toBeUndefined();
    const dockerfile = read(join(K3S, 'Dockerfile'));
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "hl"\]$/m);
    const options = checkWatchArgs(hl.args!);
    // the config is the ConfigMap's mount itself, a directory (so a key added is loaded), read-only
    const volumeOf = (m: { name: string }) => pod.volumes.find((v) => v.name === m.name)!;
    const config = hl.volumeMounts.find((m) => m.mountPath === options.config);
    expect(config, `a volume at ${options.config}`).toBeDefined();
    expect(config!.readOnly).toBe(true);
    expect(volumeOf(config!).configMap?.name).toBe(configMap.metadata.name);
    // .hl/ cannot go beside a read-only config: HL_DATA_DIR is a writable emptyDir
    const dataDir = hl.env?.find((e) => e.name === 'HL_DATA_DIR')?.value;
    expect(dataDir, 'HL_DATA_DIR').toBeDefined();
    const work = hl.volumeMounts.find((m) => m.mountPath === dataDir);
    expect(work, `a volume at ${dataDir}`).toBeDefined();
    expect(work!.readOnly).toBeFalsy();
    expect(volumeOf(work!).emptyDir).toBeDefined();
    // the image's working directory and its user's home are there too (relative paths, HOME)
    expect([...dockerfile.matchAll(/^WORKDIR (\S+)$/gm)].at(-1)?.[1]).toBe(dataDir);
    expect(dockerfile).toContain(`--home-dir ${dataDir} `);
    // no init container: nothing prepares the config
    expect(pod.initContainers).toBeUndefined();
  });

  it("relative paths of the config name keys of the ConfigMap; HL_PG_CA_FILE's example path is in the ConfigMap's mount", () => {
    const mount = checkWatchArgs(hl.args!).config;
    const config = parse(configMap.data['homelab.yaml']!) as { providers: Record<string, { ca_file?: string }> };
    const caFiles = Object.values(config.providers).flatMap((p) => (p.ca_file !== undefined ? [p.ca_file] : []));
    expect(caFiles.length).toBeGreaterThan(0);
    // relative to the config's directory, which is the mount (the pod test resolves one for real)
    for (const f of caFiles) expect(Object.keys(configMap.data), f).toContain(f);
    // HL_PG_CA_FILE is relative to the working directory, not the config: the example gives it absolute
    const deploymentText = read(join(K3S, 'deployment.yaml'));
    const commented = [...deploymentText.matchAll(/#\s*- \{ name: HL_PG_CA_FILE, value: (\S+) \}/g)].map((m) => m[1]);
    expect(commented).toEqual([`${mount}/pg-ca.crt`]);
  });

  it('a locked-down pod: non-root, no escalation, no capabilities, read-only root, default seccomp', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.seccompProfile.type).toBe('RuntimeDefault');
    // the image's user, numeric so that runAsNonRoot can check it
    expect(read(join(K3S, 'Dockerfile'))).toContain(`USER ${pod.securityContext.runAsUser}:`);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      expect(c.securityContext, c.name).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(c.resources.limits['memory'], c.name).toBeDefined();
      expect(c.resources.requests['memory'], c.name).toBeDefined();
    }
  });

  it("the container's environment comes from keys the Secret defines, the same secrets as the systemd example's", () => {
    const fromSecret = (hl.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e] : []));
    expect(fromSecret.length).toBeGreaterThan(0);
    for (const e of fromSecret) {
      expect(e.valueFrom!.secretKeyRef!.name).toBe(secret.metadata.name);
      expect(Object.keys(secret.stringData), e.name).toContain(e.valueFrom!.secretKeyRef!.key);
      expect(e.name).toBe(e.valueFrom!.secretKeyRef!.key);
    }
    expect(fromSecret.map((e) => e.name).sort()).toEqual(Object.keys(secret.stringData).sort());
    const systemdKeys = envFileEntries(read(join(SYSTEMD, 'hl-watch.env.example'))).map(([k]) => k);
    expect(Object.keys(secret.stringData).sort()).toEqual(systemdKeys.sort());
  });

  it('the Secret holds placeholders only', () => {
    expect(secret.metadata.name).toBe('hl-watch');
    for (const [key, value] of Object.entries(secret.stringData)) expectPlaceholder(key, value);
    expect(secret['data'], 'base64 data would hide what it holds').toBeUndefined();
  });

  it("the ConfigMap's config is valid with the Secret's values, and declares each HL_VAR_ the Secret gives", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-k3s-config-'));
    try {
      // the whole ConfigMap volume, read as the pod reads it: the directory (its certificate key and ..data left out)
      writeConfigMapVolume(dir, '2026_12_07_10_00_00.1', configMap.data);
      const configArg = checkWatchArgs(hl.args!).config;
      const configPath = configArg.replace(hl.volumeMounts.find((m) => m.mountPath === configArg)!.mountPath, dir);
      const config = parse(configMap.data['homelab.yaml']!) as { variables: Record<string, { sensitive?: boolean; default?: unknown }> };
      const given = Object.keys(secret.stringData).flatMap((k) => (k.startsWith('HL_VAR_') ? [k.slice('HL_VAR_'.length)] : []));
      const needed = Object.entries(config.variables).flatMap(([name, v]) => (v.default === undefined ? [name] : []));
      expect(given.sort()).toEqual(needed.sort());
      const env = Object.fromEntries(Object.entries(secret.stringData).filter(([k]) => k.startsWith('HL_VAR_')));
      const r = await runHl(['validate', '-c', configPath], { cwd: dir, env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('the probes, run against a listener answering as hl watch does', () => {
    let server: Server;
    let status = 200;
    let port = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        res.writeHead(req.url === '/healthz' ? status : 404, { 'Content-Type': 'application/json' });
        res.end('{}\n');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const listenPort = (): string => hl.args![hl.args!.indexOf('--listen') + 1]!.split(':').at(-1)!;
    /** Runs a probe's command as the kubelet would, aimed at the test's listener instead of hl's port. */
    const probe = async (command: string[], at: number): Promise<number | null> => {
      expect(command[0]).toBe('node');
      const script = command.slice(1).map((a) => a.replace(`127.0.0.1:${listenPort()}/`, `127.0.0.1:${at}/`));
      expect(script.join(' ')).toContain(`127.0.0.1:${at}/healthz`);
      const child = spawn(process.execPath, script, { stdio: 'ignore' });
      return new Promise((resolve) => child.on('close', (code) => resolve(code)));
    };

    it('liveness passes whenever the listener answers; readiness only on 200; both fail when nothing listens', async () => {
      const live = hl.livenessProbe!.exec.command;
      const ready = hl.readinessProbe!.exec.command;
      status = 200;
      expect(await Promise.all([probe(live, port), probe(ready, port)])).toEqual([0, 0]);
      status = 503;
      expect(await Promise.all([probe(live, port), probe(ready, port)])).toEqual([0, 1]);
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      expect(await Promise.all([probe(live, closedPort), probe(ready, closedPort)])).toEqual([1, 1]);
    });
  });

  it('the Dockerfile builds from what the build needs and ships what npm pack would', () => {
    const dockerfile = read(join(K3S, 'Dockerfile'));
    const pkg = JSON.parse(read(join(REPO, 'package.json'))) as { bin: Record<string, string>; files: string[] };
    const tsconfig = JSON.parse(read(join(REPO, 'tsconfig.json'))) as { include: string[] };
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    for (const root of tsconfig.include.map((p) => p.split('/')[0]!)) expect(copied, `the build compiles ${root}/`).toContain(root);
    expect(copied).toContain('package-lock.json');
    const shipped = [...dockerfile.matchAll(/^COPY --from=build \/src\/(\S+) /gm)].map((m) => m[1]!);
    for (const f of pkg.files.filter((f) => !f.startsWith('!') && f !== 'examples')) expect(shipped, f).toContain(f);
    expect(dockerfile).toContain(`ln -s /opt/hl/${pkg.bin['hl']} /usr/local/bin/hl`);
    expect(dockerfile).toMatch(/npm ci --ignore-scripts/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });
});

/**
 * A ConfigMap volume as the kubelet writes it (its AtomicWriter): the files in a new
 * `..<timestamp>` directory, `..data` swapped over to it by a rename, a `KEY -> ..data/KEY`
 * link for each new key, then the links of keys gone and the old directory removed.
 */
function writeConfigMapVolume(dir: string, version: string, files: Record<string, string>): void {
  const target = `..${version}`;
  const old = existsSync(join(dir, '..data')) ? readlinkSync(join(dir, '..data')) : undefined;
  mkdirSync(join(dir, target));
  for (const [key, text] of Object.entries(files)) writeFileSync(join(dir, target, key), text);
  // the swap: a new link renamed over ..data, so a reader sees the old files or the new, never a mix
  symlinkSync(target, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const key of Object.keys(files)) if (!existsSync(join(dir, key))) symlinkSync(join('..data', key), join(dir, key));
  for (const name of readdirSync(dir)) if (!name.startsWith('..') && !(name in files)) rmSync(join(dir, name));
  if (old !== undefined) rmSync(join(dir, old), { recursive: true });
}

/** Every path under `dir`, links not followed: directories with a trailing /, links with their target. */
function tree(dir: string, at = ''): string[] {
  return readdirSync(join(dir, at))
    .sort()
    .flatMap((name) => {
      const path = join(at, name);
      const s = lstatSync(join(dir, path));
      if (s.isSymbolicLink()) return [`${path} -> ${readlinkSync(join(dir, path))}`];
      return s.isDirectory() ? [`${path}/`, ...tree(dir, path)] : [path];
    });
}

describeWithPg('examples/watch/k3s: the pod, its config read from a ConfigMap volume', () => {
  let db: TestDatabase;
  let root: string;
  beforeAll(async () => {
    db = await createTestDatabase('watch_k3s');
    root = mkdtempSync(join(tmpdir(), 'hl-k3s-pod-'));
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes only to HL_DATA_DIR, and reloads by itself after the kubelet swaps the files, adds a key, removes one', async () => {
    const deployment = parseAllDocuments(read(join(K3S, 'deployment.yaml')))[0]!.toJS() as {
      spec: { template: { spec: { initContainers?: Container[]; containers: Container[] } } };
    };
    const pod = deployment.spec.template.spec;
    expect(pod.initContainers).toBeUndefined();
    const hl = pod.containers.find((c) => c.name === 'hl')!;
    const configMount = hl.volumeMounts.find((m) => m.readOnly)!.mountPath;
    const dataMount = hl.env!.find((e) => e.name === 'HL_DATA_DIR')!.value!;
    const cm = join(root, 'configmap');
    const data = join(root, 'data');
    mkdirSync(cm);
    mkdirSync(data);
    const inPod = (s: string): string => s.replaceAll(configMount, cm).replaceAll(dataMount, data);
    // a: its description read with file() relative to the config's directory, as ca_file is: the key beside it
    const config = (resources: string[]) =>
      [
        'hl:',
        '  backend: { type: pg }',
        'providers:',
        '  fake: { latency_ms: 0 }',
        'resources:',
        '  fake_resource.a:',
        '    name: a',
        '    description: ${file("pve-root-ca.pem")}',
        ...resources.map((r) => `  fake_resource.${r}: { name: ${r} }`),
        '',
      ].join('\n');
    const monitors = ['resources:', '  fake_resource.m: { name: m }', ''].join('\n');
    // a key that is not YAML and would not load as a config: the directory loader must leave it out
    const ca = '-----BEGIN CERTIFICATE-----\nREPLACE\n-----END CERTIFICATE-----\n';
    writeConfigMapVolume(cm, '2026_12_07_10_00_00.1', { 'homelab.yaml': config([]), 'pve-root-ca.pem': ca });

    // the Deployment's arguments and environment, with this test's directories, database and a free port
    const args = hl.args!.map((a) => inPod(a).replace(/^127\.0\.0\.1:\d+$/, '127.0.0.1:0'));
    const env: Record<string, string> = { HOME: data, HL_PG_CONN_STR: db.url };
    for (const e of hl.env!) if (e.value !== undefined) env[e.name] = inPod(e.value);
    const watch = startHl(args, { cwd: data, env });
    const events = () =>
      watch
        .stdoutSoFar()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { event: string; address?: string; files?: string[]; ok?: boolean });
    const count = (event: string): number => events().filter((e) => e.event === event).length;
    /** The addresses each cycle that ended reported, sorted. */
    const cycles = (): string[][] => {
      const out: string[][] = [];
      let current: string[] = [];
      for (const e of events()) {
        if (e.event === 'cycle_start') current = [];
        else if (e.event === 'reported') current.push(e.address!);
        else if (e.event === 'cycle_end') out.push(current.sort());
      }
      return out;
    };
    const until = async (what: string, test: () => boolean): Promise<void> => {
      const end = Date.now() + 60_000;
      while (!test()) {
        if (Date.now() > end || watch.child.exitCode !== null) throw new Error(`${what}; the log:\n${watch.stdoutSoFar()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    /** The kubelet updates the volume; the watcher, never signalled, reloads and runs a cycle at once (the interval is minutes). */
    const update = async (version: string, files: Record<string, string>, changed: string[], reported: string[]): Promise<void> => {
      const [reloads, ends] = [count('config_reloaded'), count('cycle_end')];
      writeConfigMapVolume(cm, version, files);
      await until(`no reload after ${version}`, () => count('config_reloaded') > reloads);
      await until(`no cycle after ${version}`, () => count('cycle_end') > ends);
      expect(events().filter((e) => e.event === 'config_changed').at(-1)?.files).toEqual(changed);
      expect(cycles().at(-1)).toEqual(reported);
    };
    try {
      const before = tree(cm);
      await until('no first cycle', () => count('cycle_end') === 1);
      expect(cycles()).toEqual([['fake_resource.a']]);
      // what .hl/ holds (here the fake provider's directory) in HL_DATA_DIR, nothing in the ConfigMap's directory
      expect(tree(data), 'HL_DATA_DIR').toContain(`${join('providers', 'fake')}/`);
      expect(tree(cm)).toEqual(before);
      expect(readdirSync(root).sort()).toEqual(['configmap', 'data']);

      // the ..data swap: the same keys, a file of the config changed behind its link
      const ab = ['fake_resource.a', 'fake_resource.b'];
      await update('2026_12_07_10_05_00.2', { 'homelab.yaml': config(['b']), 'pve-root-ca.pem': ca }, [join(cm, 'homelab.yaml')], ab);
      // a key added: the directory's YAML files changed, no file of the config did
      const withMonitors = { 'homelab.yaml': config(['b']), 'monitors.yaml': monitors, 'pve-root-ca.pem': ca };
      await update('2026_12_07_10_10_00.3', withMonitors, [cm], [...ab, 'fake_resource.m']);
      // the key removed: the directory's YAML files, and the file itself
      await update('2026_12_07_10_15_00.4', { 'homelab.yaml': config(['b']), 'pve-root-ca.pem': ca }, [cm, join(cm, 'monitors.yaml')], ab);
      expect(count('config_reload_failed')).toBe(0);
      expect(events().flatMap((e) => (e.event === 'cycle_end' ? [e.ok] : []))).toEqual([true, true, true, true]);
      expect(tree(cm)).toEqual([
        '..2026_12_07_10_15_00.4/',
        '..2026_12_07_10_15_00.4/homelab.yaml',
        '..2026_12_07_10_15_00.4/pve-root-ca.pem',
        '..data -> ..2026_12_07_10_15_00.4',
        'homelab.yaml -> ..data/homelab.yaml',
        'pve-root-ca.pem -> ..data/pve-root-ca.pem',
      ]);
    } finally {
      watch.child.kill('SIGTERM');
    }
    const done = await watch.done;
    expect(done.code, done.stderr).toBe(0);
  }, 120_000);
});
