/**
 * The resource dependency graph as Graphviz DOT or a Mermaid flowchart, deterministic.
 * Resources inside modules are drawn in a cluster (subgraph) per module instance, nested as
 * the modules are.
 */
import { formatModulePath, parseAddress, splitModulePath } from '../core/address.js';

interface Cluster {
  path: string;
  nodes: string[];
  children: Map<string, Cluster>;
}

function clusters(nodes: readonly string[]): Cluster {
  const root: Cluster = { path: '', nodes: [], children: new Map() };
  for (const n of nodes) {
    const steps = splitModulePath(parseAddress(n)?.module ?? '').steps;
    let at = root;
    for (let i = 1; i <= steps.length; i++) {
      const path = formatModulePath(steps.slice(0, i));
      let next = at.children.get(path);
      if (!next) at.children.set(path, (next = { path, nodes: [], children: new Map() }));
      at = next;
    }
    at.nodes.push(n);
  }
  return root;
}

export function renderGraph(deps: ReadonlyMap<string, readonly string[]>, format: 'dot' | 'mermaid'): string {
  const nodes = [...deps.keys()].sort();
  const tree = clusters(nodes);
  if (format === 'dot') {
    const lines = ['digraph hl {', '  rankdir = "RL";', '  node [shape = box];'];
    let clusterId = 0;
    const emit = (c: Cluster, indent: string): void => {
      for (const n of c.nodes) lines.push(`${indent}${JSON.stringify(n)};`);
      for (const child of [...c.children.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
        lines.push(`${indent}subgraph "cluster_${clusterId++}" {`, `${indent}  label = ${JSON.stringify(child.path)};`);
        emit(child, `${indent}  `);
        lines.push(`${indent}}`);
      }
    };
    emit(tree, '  ');
    for (const n of nodes) for (const d of deps.get(n)!) lines.push(`  ${JSON.stringify(n)} -> ${JSON.stringify(d)};`);
    lines.push('}');
    return `${lines.join('\n')}\n`;
  }
  const id = new Map(nodes.map((n, i) => [n, `n${i}`]));
  const label = (text: string): string => `"${text.replace(/"/g, '#quot;')}"`;
  const lines = ['flowchart RL'];
  let clusterId = 0;
  const emit = (c: Cluster, indent: string): void => {
    for (const n of c.nodes) lines.push(`${indent}${id.get(n)}[${label(n)}]`);
    for (const child of [...c.children.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      lines.push(`${indent}subgraph m${clusterId++}[${label(child.path)}]`);
      emit(child, `${indent}  `);
      lines.push(`${indent}end`);
    }
  };
  emit(tree, '  ');
  for (const n of nodes) for (const d of deps.get(n)!) if (id.has(d)) lines.push(`  ${id.get(n)} --> ${id.get(d)}`);
  return `${lines.join('\n')}\n`;
}
