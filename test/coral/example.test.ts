/**
 * examples/coral runs through the engine (config → plan with refresh and data sources →
 * apply → plan again) with the proxmox and coral providers both embedded (`emulated: true`),
 * sharing one emulated cluster: Frigate as container 113 on fun-bedbug, its USB Coral found
 * by the data source, the plan warning with the host lines until they are in the container's
 * config, and no change on the second plan.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/executor.js';
import { silentEvents } from '../../src/apply/apply-events.js';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import { projectFromFiles, type Project } from '../../src/engine/project.js';
import type { ProviderRegistry } from '../../src/engine/provider-registry.js';
import { openProviderSession } from '../../src/engine/provider-session.js';
import { planProject } from '../../src/engine/run-plan.js';
import type { Plan } from '../../src/plan/plan-types.js';
import { newLineage } from '../../src/state/new-lineage.js';
import { StateStore } from '../../src/state/state-store.js';
import { coralProviderFactory, HOST_CONFIG_LINES } from '../../providers/coral/index.js';
import { proxmoxProviderFactory } from '../../providers/proxmox/index.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/coral/main.yaml', import.meta.url));

const registry: ProviderRegistry = {
  types: () => ['coral', 'proxmox'],
  load: async (type) => (type === 'coral' ? coralProviderFactory : type === 'proxmox' ? proxmoxProviderFactory : undefined),
};

describe('examples/coral', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hl-coral-example-'));
  const statePath = join(dir, 'hl.state.json');
  const workDir = join(dir, '.hl');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function load(): Promise<Project> {
    const r = await projectFromFiles([{ path: 'main.yaml', text: readFileSync(EXAMPLE, 'utf8') }], dir, { vars: [], varFiles: [], env: {} });
    if (!r.project) throw new Error(r.diagnostics.map((d) => d.summary).join('\n'));
    return r.project;
  }

  /** Plans (refreshing), and applies when asked; answers the plan and all diagnostics. */
  async function run(apply: boolean): Promise<{ plan: Plan; diagnostics: Diagnostic[]; store: StateStore }> {
    const project = await load();
    const store = await StateStore.open(statePath, { hlVersion: 'test', newLineage });
    const opened = await openProviderSession({
      config: project.config,
      state: store.state,
      variables: project.variables,
      registry,
      configDir: dir,
      workDir,
      paths: project.paths,
    });
    if (!opened.session) throw new Error(opened.diagnostics.map((d) => d.summary).join('\n'));
    const session = opened.session;
    try {
      const planned = await planProject(project, store.state, session, { mode: 'normal', targets: [], replace: [], refresh: true, parallelism: 4, hlVersion: 'test' });
      if (!planned.plan) throw new Error(planned.diagnostics.map((d) => `${d.summary}\n${d.detail ?? ''}`).join('\n'));
      const diagnostics = [...planned.diagnostics];
      if (apply) {
        const result = await applyPlan({
          plan: planned.plan,
          config: project.config,
          graph: project.graph,
          variables: project.variables,
          store,
          providers: session.providers,
          providerConfigs: session.configs,
          parallelism: 4,
          events: silentEvents,
          shouldStop: () => false,
          paths: project.paths,
          readFile: project.readFile,
        });
        diagnostics.push(...result.diagnostics);
        expect(result.counts).toMatchObject({ added: 2, failed: 0 });
      }
      return { plan: planned.plan, diagnostics, store };
    } finally {
      await session.close();
      await store.close();
    }
  }

  it('applies Frigate with its USB Coral, warns with the host lines, and converges', async () => {
    const first = await run(true);
    const warnings = first.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.summary);
    expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('coral_passthrough.frigate: a USB Coral cannot be passed to a container through the Proxmox API')]);
    for (const line of HOST_CONFIG_LINES) expect(warnings[0]).toContain(line);

    const worldFile = join(workDir, 'providers', 'proxmox', 'proxmox-world.json');
    const world = JSON.parse(readFileSync(worldFile, 'utf8')) as { guests: Record<string, { node: string; type: string; config: string; status: string }> };
    expect(world.guests['113']).toMatchObject({ node: 'fun-bedbug', type: 'lxc', status: 'running' });
    expect(world.guests['113']!.config).toContain('hostname: frigate');
    expect(world.guests['113']!.config).not.toMatch(/^dev\d+:/m);

    const state = (await StateStore.open(statePath, { hlVersion: 'test', newLineage, readOnly: true })).state;
    const coral = state.resources.find((r) => r.address === 'coral_passthrough.frigate')!;
    expect(coral.id).toBe('fun-bedbug/113/lxc-usb');
    expect(coral.attributes).toMatchObject({ port: '2-1', method: 'lxc-host-config', host_config_present: false, hardware_status: 'ok' });
    expect(state.outputs.coral_port?.value).toBe('2-1');

    const second = await run(false);
    expect(second.plan.hasChanges).toBe(false);
    expect(second.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.summary)).toEqual([expect.stringContaining('still missing on the host')]);

    // root adds the lines to /etc/pve/lxc/113.conf on fun-bedbug
    world.guests['113']!.config = world.guests['113']!.config.replace(/\n*$/, '\n') + HOST_CONFIG_LINES.map((l) => `${l}\n`).join('');
    writeFileSync(worldFile, JSON.stringify(world));
    const third = await run(false);
    expect(third.plan.hasChanges).toBe(false);
    expect(third.diagnostics).toEqual([]);
  });
});
