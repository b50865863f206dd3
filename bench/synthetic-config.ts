/**
 * Synthetic configs for benchmarks: N fake resources in chains of a given depth (each
 * link refers to the previous one's id), so graph and plan see real references.
 */
export function syntheticConfig(n: number, depth: number, latencyMs = 0): string {
  const lines = [`providers:\n  fake: { latency_ms: ${latencyMs} }`, 'resources:'];
  for (let i = 0; i < n; i++) {
    const pos = i % depth;
    lines.push(`  fake_resource.r${i}:`);
    lines.push(`    name: r${i}`);
    lines.push(`    size: ${i}`);
    lines.push(`    tags: [bench, "chain-${Math.floor(i / depth)}"]`);
    if (pos > 0) lines.push(`    value: "\${fake_resource.r${i - 1}.id}"`);
  }
  return lines.join('\n') + '\n';
}

/** What the fake provider leaves for resource i of syntheticConfig(n, depth) once created (ids fake-1, fake-2, ...). */
function appliedAttributes(i: number, depth: number): Record<string, unknown> {
  return {
    id: `fake-${i + 1}`,
    serial: 0,
    name: `r${i}`,
    value: i % depth > 0 ? `fake-${i}` : null,
    size: i,
    tags: ['bench', `chain-${Math.floor(i / depth)}`],
    description: null,
    secret: null,
    fail: null,
  };
}

/**
 * The state file text (version 1, serial 1) of syntheticConfig(n, depth) once applied, and
 * the fake world file (fake-world.ts's log) holding the same objects: with both, a plan of
 * that config has nothing to do, with or without refresh.
 */
export function syntheticAppliedState(n: number, depth: number, lineage: string): { stateFile: string; worldFile: string } {
  const resources = [];
  const world: string[] = [];
  for (let i = 0; i < n; i++) {
    const attributes = appliedAttributes(i, depth);
    resources.push({
      address: `fake_resource.r${i}`,
      mode: 'managed',
      type: 'fake_resource',
      name: `r${i}`,
      index: null,
      provider: 'fake',
      id: attributes['id'],
      attributes,
      sensitivePaths: [],
      dependencies: i % depth > 0 ? [`fake_resource.r${i - 1}`] : [],
      status: 'ready',
    });
    world.push(JSON.stringify({ op: 'put', obj: { id: attributes['id'], type: 'fake_resource', attributes } }));
  }
  resources.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  world.push(JSON.stringify({ op: 'seq', next: n + 1 }));
  const state = { version: 1, lineage, serial: 1, hlVersion: 'bench', resources, outputs: {} };
  return { stateFile: `${JSON.stringify(state, null, 2)}\n`, worldFile: world.join('\n') + '\n' };
}
