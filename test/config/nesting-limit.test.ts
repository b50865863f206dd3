/** Configs nested deeper than hl's bound are refused with a clear error, not a stack overflow. */
import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../src/yaml/yaml-to-node.js';

function deepBlockMap(levels: number): string {
  const lines = ['locals:'];
  for (let i = 0; i < levels; i++) lines.push(`${' '.repeat(i + 2)}k${i}:`);
  lines[lines.length - 1] += ' 1';
  return lines.join('\n') + '\n';
}

describe('nesting limit', () => {
  it.each([
    ['a flow list 1800 deep', `x: ${'['.repeat(1800)}${']'.repeat(1800)}\n`],
    ['a block map 3000 deep (deeper than the YAML parser itself goes)', deepBlockMap(3000)],
    ['a block map 80 deep', deepBlockMap(80)],
  ])('%s', (_name, text) => {
    const r = parseYamlFile({ path: 'deep.yaml', text });
    expect(r.node).toBeUndefined();
    expect(r.diagnostics.map((d) => d.summary)).toContain('The config nests maps and lists more than 64 levels deep');
  });

  it('accepts a config within the bound', () => {
    expect(parseYamlFile({ path: 'ok.yaml', text: deepBlockMap(40) }).node).toBeDefined();
  });
});
