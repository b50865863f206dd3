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
