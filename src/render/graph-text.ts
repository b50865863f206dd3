/** The resource dependency graph as Graphviz DOT or a Mermaid flowchart, deterministic. */

export function renderGraph(deps: ReadonlyMap<string, readonly string[]>, format: 'dot' | 'mermaid'): string {
  const nodes = [...deps.keys()].sort();
  if (format === 'dot') {
    const lines = ['digraph hl {', '  rankdir = "RL";', '  node [shape = box];'];
    for (const n of nodes) lines.push(`  ${JSON.stringify(n)};`);
    for (const n of nodes) for (const d of deps.get(n)!) lines.push(`  ${JSON.stringify(n)} -> ${JSON.stringify(d)};`);
    lines.push('}');
    return lines.join('\n') + '\n';
  }
  const id = new Map(nodes.map((n, i) => [n, `n${i}`]));
  const lines = ['flowchart RL'];
  for (const n of nodes) lines.push(`  ${id.get(n)}["${n.replace(/"/g, '#quot;')}"]`);
  for (const n of nodes) for (const d of deps.get(n)!) if (id.has(d)) lines.push(`  ${id.get(n)} --> ${id.get(d)}`);
  return lines.join('\n') + '\n';
}
