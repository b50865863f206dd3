/**
 * `node: auto` at apply (issue 22): the executor plans each instance again from its config, so
 * `auto` must become the node the plan chose for a new object, or the node an existing object
 * is on; otherwise apply would see a different planned node than the plan showed.
 */
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../../src/core/value.js';
import { configWithAutoNode } from '../../../src/plan/placement/auto-node.js';
import type { PlacementDemand } from '../../../src/provider/placement.js';

const demandOf = (a: Attributes): PlacementDemand => ({
  node: typeof a.node === 'string' ? a.node : undefined,
  nodePath: ['node'],
  running: true,
  storages: [],
});

describe('configWithAutoNode', () => {
  it('puts the chosen node of a new object in place of auto', () => {
    const config = { node: 'auto', memory: 8192 };
    const change = { before: null, placement: { node: 'pumped-piglet', reason: 'r', considered: [] } };
    expect(configWithAutoNode(config, change, demandOf)).toEqual({ node: 'pumped-piglet', memory: 8192 });
    expect(config.node).toBe('auto');
  });

  it('keeps an existing object on its node', () => {
    expect(configWithAutoNode({ node: 'auto' }, { before: { node: 'pve' } }, demandOf)).toEqual({ node: 'pve' });
  });

  it('leaves a named node, and a type the provider does not place, as written', () => {
    const change = { before: { node: 'pve' }, placement: { node: 'x', reason: '', considered: [] } };
    expect(configWithAutoNode({ node: 'chief-horse' }, change, demandOf)).toEqual({ node: 'chief-horse' });
    expect(configWithAutoNode({ node: 'auto' }, change, () => undefined)).toEqual({ node: 'auto' });
  });
});
