/**
 * The `crucible` provider block, checked and turned into settings (pure: no file or network
 * access). The connection settings are the proxmox provider's, parsed by the PVE platform's
 * parseProviderConfig (providers/pve/provider-settings.ts), so both providers reach a cluster
 * the same way; crucible adds `holder_vmid_range` and has no `reboot` (attach and detach always
 * stop and restart the VM).
 */
import { isUnknown, isValueMap, type Attributes, type Value } from '../../src/core/value.js';
import { parseProviderConfig, type ProviderConfigProblem, type ProxmoxSettings } from '../pve/provider-settings.js';

export interface VmidRange {
  from: number;
  to: number;
}

export interface CrucibleSettings {
  connection: ProxmoxSettings;
  holderVmids: VmidRange;
}

export const DEFAULT_HOLDER_VMIDS: VmidRange = { from: 100000, to: 199999 };

function set(v: Value | undefined): v is Value {
  return v !== undefined && v !== null && !isUnknown(v);
}

function parseRange(v: Value | undefined, problems: ProviderConfigProblem[]): VmidRange {
  if (!set(v)) return DEFAULT_HOLDER_VMIDS;
  const ok = (x: Value | undefined): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 100 && x <= 999999999;
  if (!isValueMap(v) || !ok(v.from) || !ok(v.to) || v.from > v.to) {
    problems.push({
      attribute: 'holder_vmid_range',
      message: 'holder_vmid_range must be {from, to}: VMIDs from 100 to 999999999, from ≤ to',
    });
    return DEFAULT_HOLDER_VMIDS;
  }
  return { from: v.from, to: v.to };
}

/** Checks the provider block; settings, or the problems found. */
export function parseCrucibleConfig(
  config: Attributes,
  resolvePath: (p: string) => string = (p) => p,
): { settings: CrucibleSettings; warnings: string[] } | { problems: ProviderConfigProblem[] } {
  const problems: ProviderConfigProblem[] = [];
  const { holder_vmid_range: range, reboot, ...connection } = config;
  if (set(reboot)) {
    problems.push({
      attribute: 'reboot',
      message: 'reboot does not apply to crucible: attaching and detaching a disk always stop and restart the VM, as Oxide requires',
    });
  }
  const holderVmids = parseRange(range, problems);
  const parsed = parseProviderConfig(connection, resolvePath);
  if ('problems' in parsed) {
    problems.push(...parsed.problems.map((p) => ({ ...p, message: p.message.replace(/proxmox provider/g, 'crucible provider') })));
  }
  if (problems.length > 0 || 'problems' in parsed) return { problems };
  return { settings: { connection: parsed.settings, holderVmids }, warnings: parsed.warnings };
}
