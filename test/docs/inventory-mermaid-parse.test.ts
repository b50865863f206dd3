// @vitest-environment happy-dom
/**
 * The page's Mermaid blocks (the map and the dependency graph) parse with Mermaid's own
 * parser (`mermaid.parse`, the npm package; its flowchart parser sanitizes labels through
 * DOMPurify, which needs a DOM: happy-dom gives it one), on the homelab state, on names full
 * of Mermaid's and Markdown's special characters, on a guest without a node and an
 * unattributed monitor, and on an empty state. The parser itself is checked to reject a
 * broken flowchart, so a pass means something.
 */
import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import type { ResourceState } from '../../src/state/state-types.js';
import { inventoryResources } from '../../src/docs/inventory-resource.js';
import { renderInventoryMarkdown } from './builtin-inventory-docs.js';
import { homelabResources, homelabState } from './homelab-state.js';

function mermaidBlocks(page: string): string[] {
  return [...page.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

async function parses(text: string): Promise<true | string> {
  try {
    await mermaid.parse(text);
    return true;
  } catch (e) {
    return `${(e as Error).message}\n--- in ---\n${text}`;
  }
}

function pageOf(resources: ResourceState[]): string {
  return renderInventoryMarkdown(inventoryResources(homelabState(resources)));
}

/** The homelab with names that Mermaid or Markdown would read as syntax. */
function awkwardResources(): ResourceState[] {
  const resources = homelabResources();
  const byAddress = (a: string): ResourceState => resources.find((r) => r.address === a)!;
  byAddress('proxmox_vm.frigate').attributes['name'] = 'end';
  byAddress('proxmox_vm.frigate').attributes['node'] = 'subgraph "x" #1';
  byAddress('proxmox_lxc.pihole').attributes['hostname'] = 'pi"hole <b>`x`</b> [a] (b) {c} | d; e & f --> g';
  byAddress('kuma_monitor.frigate').attributes['name'] = 'Frigate "UI" #quot; <script> ]] --> end';
  byAddress('maas_device.frigate').attributes['fqdn'] = 'frigate-"nvr".maas';
  const k3s = byAddress('proxmox_vm.k3s');
  delete k3s.attributes['node'];
  k3s.address = 'module.k3s_node["a \\"b\\""].proxmox_vm.this';
  return resources;
}

describe('the Mermaid blocks of the hl docs page', () => {
  it('the parser rejects a broken flowchart (so a pass means something)', async () => {
    expect(await parses('flowchart LR\n  A["a"] --> B["b"]\n')).toBe(true);
    expect(await parses('flowchart LR\n  A["a "quoted" b"] --> B\n')).not.toBe(true);
    expect(await parses('flowchart LR\n  subgraph s["s"]\n  A\n')).not.toBe(true);
  });

  it('the homelab page has two blocks, the map and the dependency graph, and both parse', async () => {
    const blocks = mermaidBlocks(pageOf(homelabResources()));
    expect(blocks).toHaveLength(2);
    for (const b of blocks) expect(await parses(b)).toBe(true);
  });

  it('names full of special characters, a guest without a node and module addresses still parse', async () => {
    const page = pageOf(awkwardResources());
    const blocks = mermaidBlocks(page);
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain('subgraph unattributed["Unattributed"]');
    for (const b of blocks) expect(await parses(b)).toBe(true);
  });

  it('an empty state gives one block, the (empty) dependency graph, which parses', async () => {
    const blocks = mermaidBlocks(pageOf([]));
    expect(blocks).toEqual(['flowchart LR\n']);
    expect(await parses(blocks[0]!)).toBe(true);
  });
});
