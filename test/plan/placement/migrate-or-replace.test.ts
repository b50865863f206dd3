/** lifecycle.migrate false: the provider's migration becomes a replacement, and what blocked the migration no longer blocks. */
import { describe, expect, it } from 'vitest';
import { migrateOrReplace } from '../../../src/plan/placement/migrate-or-replace.js';
import type { PlanResourceResponse } from '../../../src/provider/contract.js';

const response: PlanResourceResponse = {
  planned: { node: 'pumped-piglet' },
  requiresReplace: [],
  notes: [],
  problems: [
    { path: ['node'], message: 'usb0: host=2-1 is a USB device of fun-bedbug: it cannot follow the VM' },
    { path: ['memory'], message: 'something else' },
  ],
  migration: { path: ['node'], from: 'fun-bedbug', to: 'pumped-piglet', how: 'online migration' },
};

describe('migrateOrReplace', () => {
  it('keeps the migration and its problems unless lifecycle.migrate is false', () => {
    expect(migrateOrReplace(undefined, response)).toBe(response);
    expect(migrateOrReplace(true, response)).toBe(response);
  });

  it('replaces instead, dropping the problems only the migration had', () => {
    const r = migrateOrReplace(false, response);
    expect(r.migration).toBeUndefined();
    expect(r.requiresReplace.map((x) => x.path)).toEqual([['node']]);
    expect(r.problems.map((p) => p.path)).toEqual([['memory']]);
  });
});
