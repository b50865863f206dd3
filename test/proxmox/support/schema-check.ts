/**
 * Test support: every test file that drives the provider checks, after its tests, that each
 * request the provider sent conforms to the real PVE API schema (test/support/pve-schema.ts),
 * with zero unknown parameters — refused requests included: the provider sends none on purpose.
 * Skipped, with a message saying so, when ../shared/reference/pve-api is not there.
 */
import { checkRequestsAfterAll as checkAfterAll } from '../../support/pve-schema.js';
import { allRequests } from './provider-fixture.js';

export function checkRequestsAfterAll(): void {
  checkAfterAll(allRequests, { skipRefused: false });
}
