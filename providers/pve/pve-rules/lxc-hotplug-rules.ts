/**
 * What a running container does with each config change, re-implemented from pve-container:
 *
 * - `src/PVE/LXC/Config.pm` vmconfig_hotplug_pending: `$LXC_FASTPLUG_OPTIONS` (description,
 *   onboot, startup, protection, hostname, hookscript, cores, tags, lock) are written at once;
 *   `cpulimit`, `cpuunits`, `memory`, `swap` (cgroup limits) and `netN` (PVE::LXC update_net) at
 *   once; a new `mpN` or `devN` is hotplugged, one replacing an existing entry waits; anything
 *   else (rootfs, features, nameserver, searchdomain, ostype, ...) waits for a restart.
 *   Deleting: fast-plug keys, `unusedN`, `swap`, `cpulimit`, `cpuunits` and `netN` (single digit
 *   in PVE's pattern) at once; the rest waits.
 * - `src/PVE/LXC.pm` update_net: a different `hwaddr` or `name` deletes the veth pair and
 *   plugs the NIC again; bridge, tag, firewall, link_down, rate and IP changes apply to the
 *   running NIC.
 *
 * Pure: used by the emulator (emulator/guest-kind.ts) and the provider's planning
 * (planning/lxc-plan.ts).
 */
import { LXC_NET_FORMAT, parsePropertyString, type PropertyMap } from '../property-string.js';
import type { LiveEffect } from './qemu-hotplug-rules.js';

export const LXC_FAST_PLUG_KEYS: ReadonlySet<string> = new Set([
  'description',
  'onboot',
  'startup',
  'protection',
  'hostname',
  'hookscript',
  'cores',
  'tags',
  'lock',
]);

/** Keys a running container takes at once through its cgroup. */
const CGROUP_KEYS = new Set(['cpulimit', 'cpuunits', 'memory', 'swap']);

/** NIC fields whose change deletes the veth pair and plugs the NIC again (update_net). */
export const LXC_NET_REPLUG_FIELDS: readonly string[] = ['hwaddr', 'name'];

function parseNet(v: string): PropertyMap | undefined {
  try {
    return parsePropertyString(v, LXC_NET_FORMAT);
  } catch {
    return undefined;
  }
}

/** What a running container does when field `field` of an existing NIC changes. */
export function lxcNetFieldEffect(field: string): 'now' | 'replug' {
  return LXC_NET_REPLUG_FIELDS.includes(field) ? 'replug' : 'now';
}

/** What a running container does when `key` (current value `before`, undefined: unset) is set to `value`. */
export function lxcSetEffect(key: string, before: string | undefined, value: string): LiveEffect {
  if (LXC_FAST_PLUG_KEYS.has(key) || CGROUP_KEYS.has(key)) return 'now';
  if (/^net\d+$/.test(key)) {
    if (before === undefined) return 'now';
    const b = parseNet(before);
    const a = parseNet(value);
    if (!a || !b) return 'now';
    return LXC_NET_REPLUG_FIELDS.some((f) => a[f] !== b[f]) ? 'replug' : 'now';
  }
  if (/^(mp|dev)\d+$/.test(key)) return before === undefined ? 'now' : 'restart';
  return 'restart';
}

/** What a running container does when `key` is deleted. */
export function lxcDeleteEffect(key: string): 'now' | 'restart' {
  if (LXC_FAST_PLUG_KEYS.has(key) || /^unused\d+$/.test(key)) return 'now';
  if (key === 'swap' || key === 'cpulimit' || key === 'cpuunits') return 'now';
  return /^net\d$/.test(key) ? 'now' : 'restart';
}
