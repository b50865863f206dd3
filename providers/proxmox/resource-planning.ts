/**
 * The plan-time side of each proxmox resource type (pure): the guest validation both kinds
 * share and each kind's plan (planning/). The router (src/provider/resource-router.ts) looks
 * types up here.
 */
import type { ResourcePlanning } from '../../src/provider/resource-handler.js';
import { planLxc } from './planning/lxc-plan.js';
import { validateGuest } from './planning/validate-guest.js';
import { planVm } from './planning/vm-plan.js';

export const PROXMOX_PLANNING: Readonly<Record<string, ResourcePlanning>> = {
  proxmox_vm: {
    validate: (req) => validateGuest(req),
    plan: (req) => planVm(req.prior, req.config, req.providerConfig),
  },
  proxmox_lxc: {
    validate: (req) => validateGuest(req),
    plan: (req) => planLxc(req.prior, req.config, req.providerConfig),
  },
};
