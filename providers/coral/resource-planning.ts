/**
 * The plan-time side of the coral resource type and data source (pure): the passthrough's
 * validation and plan (passthrough/); the devices data source has no checks of its own.
 * The router (src/provider/resource-router.ts) looks types up here.
 */
import type { ResourcePlanning } from '../../src/provider/resource-handler.js';
import { planPassthrough } from './passthrough/passthrough-plan.js';
import { validatePassthrough } from './passthrough/passthrough-validation.js';

export const CORAL_PLANNING: Readonly<Record<string, ResourcePlanning>> = {
  coral_passthrough: {
    validate: (req) => validatePassthrough(req.config, req.providerConfig),
    plan: (req) => planPassthrough(req.prior, req.config),
  },
};

export const CORAL_DATA_SOURCE_PLANNING: Readonly<Record<string, ResourcePlanning>> = {
  coral_devices: {},
};
