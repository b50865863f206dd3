/**
 * `hl placement` in real processes on a copy of the example homelab, applied against the
 * embedded emulators: fun-bedbug (61.7 % of 2 cores) is overloaded, Uptime Kuma would go to
 * pumped-piglet (the config change at its file:line:col), Frigate stays with its Coral; the
 * same as JSON; thresholds from flags; a bad flag is a one-line error; and the report changes
 * nothing (state file and emulated world as they were).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runHl } from '../support/run-hl.js';
import { copyExampleModules } from '../support/example-modules.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = ['-c', 'examples/homelab.yaml'];

/** The line:col of `node:` in the block of `address` in examples/homelab.yaml. */
function nodeLocation(address: string): string {
  const lines = readFileSync(join(ROOT, 'examples', 'homelab.yaml'), 'utf8').split('\n');
  const start = lines.indexOf(`  ${address}:`);
  const offset = lines.slice(start + 1).findIndex((l) => /^ {4}node:/.test(l));
  expect(start >= 0 && offset >= 0, `${address} and its node in examples/homelab.yaml`).toBe(true);
  return `examples/homelab.yaml:${start + 2 + offset}:5`;
}

interface JsonReport {
  clusters: {
    provider: string;
    thresholds: { cpu: number; memory: number };
    nodes: { node: string; cores: number; cpuLoad: number; overloaded: string[] }[];
    overloaded: {
      node: string;
      reasons: string[];
      moves: { address: string; from: string; to: string; config: { location: string; written: string; change_to: string } }[];
      stays: { address: string; why: string }[];
    }[];
  }[];
}

describe('hl placement on the example homelab', () => {
  let dir: string;
  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'hl-placement-'));
    mkdirSync(join(dir, 'examples'));
    copyFileSync(join(ROOT, 'examples', 'homelab.yaml'), join(dir, 'examples', 'homelab.yaml'));
    copyExampleModules(ROOT, join(dir, 'examples'));
    copyFileSync(join(ROOT, 'homelab.state.json'), join(dir, 'homelab.state.json'));
    const apply = await runHl(['apply', ...CONFIG, '--auto-approve'], { cwd: dir });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
  }, 120_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('names fun-bedbug overloaded, moves Uptime Kuma to pumped-piglet at its config line, keeps Frigate with its Coral', async () => {
    const state = readFileSync(join(dir, 'homelab.state.json'), 'utf8');
    const world = readFileSync(join(dir, '.hl', 'providers', 'proxmox', 'proxmox-world.json'), 'utf8');
    const r = await runHl(['placement', ...CONFIG], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    // the seed's 61.7 %, plus what Frigate and Uptime Kuma add where the emulator gives guests a load
    const row = /^ {2}fun-bedbug +(\d+\.\d) % of 2 cores +5 GiB of 7\.2 GiB/m.exec(r.stdout);
    expect(row, r.stdout).not.toBeNull();
    const cpu = row![1]!;
    expect(Number(cpu)).toBeGreaterThanOrEqual(61.7);
    expect(r.stdout).toContain(`fun-bedbug is overloaded: CPU ${cpu} % is above 60 %`);
    expect(r.stdout).toContain(
      `${nodeLocation('proxmox_lxc.uptime_kuma')}  proxmox_lxc.uptime_kuma: node: fun-bedbug -> node: pumped-piglet (fun-bedbug CPU ${cpu} % -> ~`,
    );
    expect(r.stdout).toContain('proxmox_lxc.frigate stays: the USB Coral TPU on port 2-1 is on fun-bedbug');
    expect(r.stdout).not.toMatch(/frigate: node:/);
    expect(r.stdout).toMatch(/^ {2}still-fawn +offline$/m);
    expect(r.stdout).not.toContain('\u001b[');
    // a report: nothing written
    expect(readFileSync(join(dir, 'homelab.state.json'), 'utf8')).toBe(state);
    expect(readFileSync(join(dir, '.hl', 'providers', 'proxmox', 'proxmox-world.json'), 'utf8')).toBe(world);
  }, 60_000);

  it('says the same as one JSON document on stdout', async () => {
    const r = await runHl(['placement', ...CONFIG, '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(doc.clusters.map((c) => c.provider)).toEqual(['proxmox']);
    const cluster = doc.clusters[0]!;
    expect(cluster.thresholds).toEqual({ cpu: 0.6, memory: 0.9 });
    const node = cluster.nodes.find((n) => n.node === 'fun-bedbug')!;
    expect(node).toMatchObject({ cores: 2, overloaded: [`CPU ${(node.cpuLoad * 100).toFixed(1)} % is above 60 %`] });
    expect(node.cpuLoad).toBeGreaterThanOrEqual(0.617);
    const bedbug = cluster.overloaded.find((o) => o.node === 'fun-bedbug')!;
    expect(bedbug.moves).toEqual([
      expect.objectContaining({
        address: 'proxmox_lxc.uptime_kuma',
        from: 'fun-bedbug',
        to: 'pumped-piglet',
        config: expect.objectContaining({ location: nodeLocation('proxmox_lxc.uptime_kuma'), written: 'fun-bedbug', change_to: 'pumped-piglet' }),
      }),
    ]);
    expect(bedbug.stays).toEqual([{ address: 'proxmox_lxc.frigate', id: 'fun-bedbug/113', why: 'the USB Coral TPU on port 2-1 is on fun-bedbug' }]);
  }, 60_000);

  it('takes its thresholds from flags, Terraform spellings too', async () => {
    const r = await runHl(['placement', ...CONFIG, '-cpu-threshold=70', '--memory-threshold', '120%', '-json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as JsonReport;
    expect(doc.clusters[0]!.thresholds).toEqual({ cpu: 0.7, memory: 1.2 });
    expect(doc.clusters[0]!.overloaded).toEqual([]);
  }, 60_000);

  it('refuses a threshold that is not a percentage, in one line, no stack trace', async () => {
    const r = await runHl(['placement', ...CONFIG, '--cpu-threshold', 'hot'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Invalid value for --cpu-threshold: "hot" (expected a percentage from 0 to 100, such as 60 or 75%)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const over = await runHl(['placement', ...CONFIG, '-cpu-threshold=150'], { cwd: dir });
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('Invalid value for -cpu-threshold: "150"');
  }, 60_000);
});
