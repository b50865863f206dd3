/**
 * `planResource` for `proxmox_lxc` (pure). Replacement: the forceNew attributes of its table
 * (../attributes/lxc-attributes.ts: vmid, ostemplate, unprivileged), and a rootfs or mount
 * point that would shrink, or change storage on the same node. A node change migrates the
 * container (migration-plan.ts). `password` and `ssh_public_keys` are used
 * only when the container is created.
 */
import { isUnknown, isValueMap, valueEquals, type Attributes, type Value, type ValueMap } from '../../../src/core/value.js';
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import { authenticatesAsRoot } from '../../pve/provider-settings.js';
import { liveSettings } from '../attributes/derive-plan.js';
import { LXC_ATTRIBUTES } from '../attributes/lxc-attributes.js';
import { lxcDeleteEffect, lxcNetFieldEffect, lxcSetEffect } from '../../pve/pve-rules/lxc-hotplug-rules.js';
import { changedSlots, describeChange, volumeReplacements, type LiveChange, type Replacement } from './guest-plan-common.js';
import { planGuest, plannedChange, type GuestPlanKind } from './guest-plan.js';

/** NIC attributes and their `netN` fields. */
const NET_FIELDS: readonly (readonly [attribute: string, field: string])[] = [
  ['name', 'name'],
  ['mac', 'hwaddr'],
  ['bridge', 'bridge'],
  ['ip', 'ip'],
  ['gw', 'gw'],
  ['ip6', 'ip6'],
  ['gw6', 'gw6'],
  ['firewall', 'firewall'],
  ['tag', 'tag'],
  ['rate', 'rate'],
  ['mtu', 'mtu'],
  ['link_down', 'link_down'],
];

/**
 * Each planned change with what the running container does with it
 * (providers/pve/pve-rules/lxc-hotplug-rules.ts, the rules the emulator applies too). Settings it takes at
 * once are left out; device changes are all listed.
 */
function liveChanges(prior: Attributes, planned: Attributes): LiveChange[] {
  const out: LiveChange[] = [];
  for (const [attr, key] of liveSettings(LXC_ATTRIBUTES)) {
    if (!plannedChange(prior[attr], planned[attr])) continue;
    const effect = planned[attr] === null ? lxcDeleteEffect(key) : lxcSetEffect(key, prior[attr] === null ? undefined : 'set', 'new');
    if (effect !== 'now') out.push(describeChange(attr, prior[attr], planned[attr], effect));
  }
  const mp = changedSlots(prior.mount_points, planned.mount_points);
  for (const s of mp.added) out.push({ label: `mount_points.${s} added`, effect: lxcSetEffect(s, undefined, 'new') });
  for (const s of mp.removed) out.push({ label: `mount_points.${s} removed`, effect: lxcDeleteEffect(s) });
  for (const s of mp.changed) {
    // The size of a mount point changes online (resize); other changes replace the mpN value.
    const before = (prior.mount_points as ValueMap)[s];
    const after = (planned.mount_points as ValueMap)[s];
    if (isValueMap(before) && isValueMap(after) && valueEquals({ ...before, size: null }, { ...after, size: null })) continue;
    out.push({ label: `mount_points.${s}`, effect: lxcSetEffect(s, 'set', 'new') });
  }
  const dev = changedSlots(prior.dev, planned.dev);
  for (const s of dev.added) out.push({ label: `dev.${s} added`, effect: lxcSetEffect(s, undefined, 'new') });
  for (const s of dev.removed) out.push({ label: `dev.${s} removed`, effect: lxcDeleteEffect(s) });
  for (const s of dev.changed) out.push({ label: `dev.${s}`, effect: lxcSetEffect(s, 'set', 'new') });
  const nets = changedSlots(prior.networks, planned.networks);
  for (const s of nets.added) out.push({ label: `networks.${s} added`, effect: lxcSetEffect(s, undefined, 'new') });
  for (const s of nets.removed) out.push({ label: `networks.${s} removed`, effect: lxcDeleteEffect(s) });
  for (const s of nets.changed) {
    const before = (prior.networks as ValueMap)[s] as ValueMap;
    const after = (planned.networks as ValueMap)[s] as ValueMap;
    const fields = NET_FIELDS.filter(([attr]) => plannedChange(before[attr], after[attr]));
    // One NIC, one outcome: a new MAC or name replugs it with all its changes.
    const effect = fields.some(([, f]) => lxcNetFieldEffect(f) === 'replug') ? 'replug' : 'now';
    for (const [attr] of fields) out.push(describeChange(`networks.${s}.${attr}`, before[attr], after[attr], effect));
  }
  return out;
}

function createProblems(planned: Attributes, config: Attributes): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  if (config.ostemplate === undefined || config.ostemplate === null) {
    problems.push({
      path: ['ostemplate'],
      message: 'ostemplate is required to create a container (e.g. "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst")',
    });
  }
  const mps = isValueMap(planned.mount_points) ? planned.mount_points : {};
  for (const [slot, m] of Object.entries(mps)) {
    if (!isValueMap(m)) continue;
    if (m.host_path === null && (m.storage === null || m.size === null)) {
      problems.push({
        path: ['mount_points', slot],
        message: `mount_points.${slot} needs storage and size (a new volume) or host_path (a bind mount)`,
      });
    }
  }
  return problems;
}

const NO_FEATURES: Record<string, Value> = { nesting: false, keyctl: false, fuse: false, mknod: false, mount: [] };

/**
 * PVE lets only root@pam (password) change container features, except `nesting` on an
 * unprivileged container: a plan-time error instead of an apply-time 403.
 */
function featureProblems(prior: Attributes | null, planned: Attributes, providerConfig: Attributes): AttributeProblem[] {
  if (authenticatesAsRoot(providerConfig) || !isValueMap(planned.features)) return [];
  const before = prior && isValueMap(prior.features) ? prior.features : NO_FEATURES;
  const after = planned.features;
  const changed = Object.keys(NO_FEATURES).filter((k) => !isUnknown(after[k] ?? null) && !valueEquals(before[k] ?? null, after[k] ?? null));
  if (changed.length === 0) return [];
  const privileged = planned.unprivileged === false;
  const restricted = privileged ? changed : changed.filter((k) => k !== 'nesting');
  if (restricted.length === 0) return [];
  return [
    {
      path: ['features', restricted[0]!],
      message: privileged
        ? 'changing feature flags of a privileged container is only allowed for root@pam logged in with a password'
        : `features ${restricted.join(', ')}: changing feature flags other than nesting is only allowed for root@pam logged in with a password (this provider uses an API token)`,
    },
  ];
}

/**
 * What cannot change in place for an existing container besides its forceNew attributes (a
 * rootfs or mount point that would shrink, or change storage without a migration), and the
 * mount points it loses.
 */
function lxcReplacements(prior: Attributes, planned: Attributes, out: Replacement[], notes: string[], migrating: boolean): void {
  volumeReplacements(out, ['rootfs'], prior.rootfs, planned.rootfs, migrating);
  const pm = isValueMap(prior.mount_points) ? prior.mount_points : {};
  const nm = isValueMap(planned.mount_points) ? planned.mount_points : {};
  for (const [slot, m] of Object.entries(nm)) volumeReplacements(out, ['mount_points', slot], pm[slot], m, migrating);
  for (const [slot, m] of Object.entries(pm)) {
    if (!(slot in nm) && isValueMap(m) && typeof m.storage === 'string') {
      notes.push(`mount_points.${slot} is removed and its volume ${String(m.volume ?? '')} is destroyed`);
    }
  }
}

const LXC_PLAN: GuestPlanKind = {
  noun: 'container',
  attributes: LXC_ATTRIBUTES,
  fromTemplate: () => false,
  replacements: lxcReplacements,
  liveChanges,
  problems: (config, prior, planned, providerConfig) =>
    prior
      ? featureProblems(prior, planned, providerConfig)
      : [...createProblems(planned, config), ...featureProblems(null, planned, providerConfig)],
};

export function planLxc(prior: Attributes | null, config: Attributes, providerConfig: Attributes): PlanResourceResponse {
  return planGuest(LXC_PLAN, prior, config, providerConfig);
}
