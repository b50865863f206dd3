/**
 * Test support: every test file that drives the provider checks, after its tests, that each
 * request the provider sent conforms to the real PVE API schema, with zero unknown parameters.
 * Skipped, with a message saying so, when ../shared/reference/pve-api is not there.
 */
import { afterAll, expect } from 'vitest';
import { allRequests } from './provider-fixture.js';
import { describeViolations, PVE_SCHEMA_FILE, PveApiSchema } from './pve-api-schema.js';

export function checkRequestsAfterAll(): void {
  afterAll(() => {
    const schema = PveApiSchema.load();
    if (!schema) {
      console.warn(`PVE API schema not found at ${PVE_SCHEMA_FILE}: request conformance not checked`);
      return;
    }
    expect(allRequests.length, 'requests recorded by this file').toBeGreaterThan(0);
    const violations = allRequests.flatMap((r) => schema.check(r));
    expect(violations, describeViolations(violations)).toEqual([]);
  });
}
