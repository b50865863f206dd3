/**
 * Plans against the Proxmox emulator at scale, as a user runs them: `hl plan` in a child
 * process against an emulator in another child process holding N guests, with refresh
 * off and on. Reports wall time, peak RSS of the hl process, HTTP requests made, and the
 * growth ratio between the largest and smallest size (linear = the size ratio).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatConfigText } from '../providers/pve/emulator/config-text.js';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET, startProxmoxEmulator } from '../providers/pve/emulator/start-emulator.js';
import type { BenchRow } from './engine-bench.js';
import { runHlChild, writePeakRssPreload } from './hl-child.js';

const HL = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

const NODES = ['pve', 'pumped-piglet', 'chief-horse', 'fun-bedbug'];

/** A world file with the homelab seed plus `n` small running VMs spread over the online nodes. */
async function makeWorld(dir: string, n: number): Promise<string> {
  const file = join(dir, 'world.json');
  const seed = await startProxmoxEmulator({ worldFile: file, seed: 'homelab' });
  await seed.close();
  const world = JSON.parse(readFileSync(file, 'utf8')) as { guests: Record<string, unknown> };
  for (let i = 0; i < n; i++) {
    const vmid = 1000 + i;
    const mac =
      `BC:24:11:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase();
    const config = formatConfigText(
      {
        main: {
          cores: '1',
          memory: '512',
          name: `g${vmid}`,
          net0: `virtio=${mac},bridge=vmbr0`,
          ostype: 'l26',
          scsihw: 'virtio-scsi-single',
        },
        pending: {},
        snapshots: {},
        special: {},
      },
      'qemu',
    );
    world.guests[String(vmid)] = {
      vmid,
      type: 'qemu',
      node: NODES[i % NODES.length],
      config,
      status: 'running',
      startedAt: 1717171717,
      pid: 5000 + i,
    };
  }
  writeFileSync(file, JSON.stringify(world));
  return file;
}

function config(url: string, n: number): string {
  const lines = [
    'providers:',
    `  proxmox: { endpoint: "${url}", token_id: "${DEFAULT_TOKEN_ID}", token_secret: "${DEFAULT_TOKEN_SECRET}", read_concurrency: 16 }`,
    'locals:',
    '  guests:',
  ];
  for (let i = 0; i < n; i++) lines.push(`    g${1000 + i}: { vmid: ${1000 + i}, node: ${NODES[i % NODES.length]} }`);
  lines.push(
    'resources:',
    '  proxmox_vm.g:',
    '    for_each: "${local.guests}"',
    '    node: "${each.value.node}"',
    '    vmid: "${each.value.vmid}"',
    '    name: "${each.key}"',
    '    cores: 1',
    '    memory: 512',
  );
  return lines.join('\n') + '\n';
}

function skeletonState(n: number): string {
  const resources = [];
  for (let i = 0; i < n; i++) {
    const vmid = 1000 + i;
    const node = NODES[i % NODES.length]!;
    resources.push({
      address: `proxmox_vm.g["g${vmid}"]`,
      mode: 'managed',
      type: 'proxmox_vm',
      name: 'g',
      index: `g${vmid}`,
      provider: 'proxmox',
      id: `${node}/${vmid}`,
      attributes: { node, vmid, name: `g${vmid}` },
      sensitivePaths: [],
      dependencies: [],
      status: 'ready',
    });
  }
  return JSON.stringify({
    version: 1,
    lineage: '5b0c6f4e-2d3a-4e8f-9b1c-0a1b2c3d4e99',
    serial: 1,
    hlVersion: 'bench',
    resources,
    outputs: {},
  });
}

async function requestCount(url: string): Promise<number> {
  const res = await fetch(`${url}/_emulator/requests`);
  const log = (await res.json()) as { seq: number }[];
  return log.length > 0 ? log[log.length - 1]!.seq : 0;
}

/** Starts `hl emulate proxmox` in a child process; resolves with its URL. */
export function startEmulatorProcess(world: string, cwd: string): Promise<{ url: string; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HL, 'emulate', 'proxmox', '--world', world], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m)
        resolve({
          url: m[1]!,
          stop: () =>
            new Promise<void>((done) => {
              child.once('exit', () => done());
              child.kill('SIGINT');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
  });
}

/**
 * A project directory planning `n` guests against an emulator process holding them, state
 * filled by a refresh-only apply: `hl plan` there shows no changes. Also used to profile a
 * single plan (`node dist/bench/emulator-bench-scenario.js N`).
 */
export async function prepareEmulatorScenario(
  n: number,
): Promise<{ dir: string; preload: string; emulator: { url: string; stop(): Promise<void> } }> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-pve-'));
  const preload = writePeakRssPreload(dir);
  const emulator = await startEmulatorProcess(await makeWorld(dir, n), dir);
  writeFileSync(join(dir, 'homelab.yaml'), config(emulator.url, n));
  writeFileSync(join(dir, 'homelab.state.json'), skeletonState(n));
  const fill = await runHlChild(['apply', '--refresh-only', '--auto-approve'], dir, preload);
  if (fill.code !== 0) {
    await emulator.stop();
    throw new Error(`refresh-only apply failed: ${fill.stderr.slice(0, 2000)}`);
  }
  return { dir, preload, emulator };
}

export async function benchEmulatorPlans(sizes: number[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const byN = new Map<number, { off: number; on: number }>();
  for (const n of sizes) {
    const { dir, preload, emulator } = await prepareEmulatorScenario(n);
    try {
      const before = await requestCount(emulator.url);
      const off = await runHlChild(['plan', '--refresh=false', '--detailed-exitcode'], dir, preload);
      const mid = await requestCount(emulator.url);
      const on = await runHlChild(['plan', '--detailed-exitcode'], dir, preload);
      const after = await requestCount(emulator.url);
      if (off.code !== 0 || on.code !== 0)
        throw new Error(
          `expected no changes at ${n} guests: ${off.stdout.slice(-1500)}\n${on.stdout.slice(-1500)}\n${on.stderr.slice(0, 1500)}`,
        );
      byN.set(n, { off: off.ms, on: on.ms });
      rows.push({
        name: `plan ${n} Proxmox guests against the emulator, no changes`,
        figures: {
          refresh_off_ms: Math.round(off.ms),
          refresh_off_peak_rss_mb: Math.round(off.peakRssMb),
          refresh_off_http_requests: mid - before,
          refresh_on_ms: Math.round(on.ms),
          refresh_on_peak_rss_mb: Math.round(on.peakRssMb),
          refresh_on_http_requests: after - mid,
        },
      });
    } finally {
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const lo = byN.get(sizes[0]!)!;
  const hi = byN.get(sizes[sizes.length - 1]!)!;
  rows.push({
    name: `growth ${sizes[sizes.length - 1]}/${sizes[0]} guests (linear = ${sizes[sizes.length - 1]! / sizes[0]!})`,
    figures: { refresh_off_ratio: Math.round((hi.off / lo.off) * 100) / 100, refresh_on_ratio: Math.round((hi.on / lo.on) * 100) / 100 },
  });
  return rows;
}
