/**
 * The plan-time side of each crucible resource type (pure): its validation and its plan
 * (planning/). The router (src/provider/resource-router.ts) looks types up here.
 */
import type { ResourcePlanning } from '../../src/provider/resource-handler.js';
import { planAttachment, validateAttachment } from './planning/attachment-plan.js';
import { planDisk, validateDisk } from './planning/disk-plan.js';
import { planImage, validateImage } from './planning/image-plan.js';
import { planSnapshot, validateSnapshot } from './planning/snapshot-plan.js';

export const RESOURCE_TYPES = ['crucible_disk', 'crucible_snapshot', 'crucible_image', 'crucible_attachment'] as const;
export type CrucibleResourceType = (typeof RESOURCE_TYPES)[number];

export const CRUCIBLE_PLANNING: Readonly<Record<CrucibleResourceType, ResourcePlanning>> = {
  crucible_disk: {
    validate: (req) => validateDisk(req.config),
    plan: (req) => planDisk(req.prior, req.config),
  },
  crucible_snapshot: {
    validate: (req) => validateSnapshot(req.config),
    plan: (req) => planSnapshot(req.prior, req.config),
  },
  crucible_image: {
    validate: (req) => validateImage(req.config),
    plan: (req) => planImage(req.prior, req.config),
  },
  crucible_attachment: {
    validate: (req) => validateAttachment(req.config),
    plan: (req) => planAttachment(req.prior, req.config),
  },
};
