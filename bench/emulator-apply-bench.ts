/**
 * Apply of a 500-container graph against the Proxmox emulator (in its own process) with 50 ms
 * per API call and tasks taking 200 ms, chains of the given depth, through the real provider
 * and executor. The critical-path bound for parallelism P is max(depth, ceil(N / P)) times
 * the time one create takes alone, measured first on the same emulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyPlan } from '../src/apply/executor.js';
import { silentEvents } from '../src/apply/apply-events.js';
import { projectFromFiles } from '../src/engine/project.js';
import { makePlan } from '../src/plan/planner.js';
import { newLineage } from '../src/state/new-lineage.js';
import { StateStore } from '../src/state/state-store.js';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } from '../providers/pve/emulator/start-emulator.js';
import { ProxmoxProvider } from '../providers/proxmox/proxmox-provider.js';
import { startEmulatorProcess } from './emulator-bench.js';
import type { BenchRow } from './engine-bench.js';
import { plannerOf } from '../src/plan/planner-provider.js';
import { precompiledValidator } from '../src/engine/precompiled-validators.js';

function containers(n: number, depth: number, offset: number): string {
  const lines = ['resources:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  proxmox_lxc.c${i}:`,
      '    node: pumped-piglet',
      `    hostname: c${offset + i}`,
      '    ostemplate: local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz',
    );
    lines.push('    unprivileged: true', '    memory: 256', '    rootfs: { storage: local-zfs, size: 1G }', '    started: false');
    if (i % depth > 0) lines.push(`    description: "after \${proxmox_lxc.c${i - 1}.id}"`);
  }
  return lines.join('\n') + '\n';
}

async function applyOnce(url: string, dir: string, yaml: string, parallelism: number): Promise<number> {
  const project = (await projectFromFiles([{ path: 'bench.yaml', text: yaml }], dir, { vars: [], varFiles: [], env: {} })).project!;
  const provider = new ProxmoxProvider();
  const providerConfig = { endpoint: url, token_id: DEFAULT_TOKEN_ID, token_secret: DEFAULT_TOKEN_SECRET };
  await provider.configure({ config: providerConfig, configDir: dir, workDir: dir });
  const store = await StateStore.open(join(dir, `state-${Math.random().toString(36).slice(2)}.json`), {
    hlVersion: 'bench',
    newLineage,
    precompiled: precompiledValidator,
  });
  const r = makePlan({
    config: project.config,
    graph: project.graph,
    variables: project.variables,
    state: store.state,
    dataResults: new Map(),
    providers: new Map([['proxmox', plannerOf(provider, providerConfig)]]),
    mode: 'normal',
    targets: [],
    replace: [],
    refresh: false,
    hlVersion: 'bench',
    configHash: project.configHash,
    paths: project.paths,
    precompiled: precompiledValidator,
  });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => d.summary).join('\n'));
  const t0 = performance.now();
  const result = await applyPlan({
    plan: r.plan,
    config: project.config,
    graph: project.graph,
    variables: project.variables,
    store,
    providers: new Map([['proxmox', provider]]),
    providerConfigs: new Map([['proxmox', providerConfig]]),
    parallelism,
    events: silentEvents,
    shouldStop: () => false,
    paths: project.paths,
  });
  const ms = performance.now() - t0;
  await store.checkpoint();
  await store.close();
  await provider.close?.();
  if (result.counts.failed > 0)
    throw new Error(
      `bench apply failed: ${result.diagnostics
        .map((d) => d.summary)
        .slice(0, 3)
        .join('; ')}`,
    );
  return ms;
}

export async function benchEmulatorApply(n: number, depth: number, parallelism: number): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'hl-bench-apply-pve-'));
  const emulator = await startEmulatorProcess(join(dir, 'world.json'), dir);
  try {
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 50, taskDurationMs: 200 }),
    });
    const single = await applyOnce(emulator.url, dir, containers(1, 1, 100000), 1);
    const wall = await applyOnce(emulator.url, dir, containers(n, depth, 0), parallelism);
    const bound = Math.max(depth, Math.ceil(n / parallelism)) * single;
    return {
      name: `apply ${n} containers against the PVE emulator, depth ${depth}, 50 ms per call, 200 ms tasks, parallelism ${parallelism}`,
      figures: {
        one_create_ms: Math.round(single),
        wall_ms: Math.round(wall),
        critical_path_bound_ms: Math.round(bound),
        ratio: Math.round((wall / bound) * 100) / 100,
      },
    };
  } finally {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
