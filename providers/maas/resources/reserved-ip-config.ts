/**
 * `maas_reserved_ip` (MAAS 3.6+): a DHCP lease pinned to a MAC, the direct way to give a DHCP
 * VM a persistent address without registering a device. Attributes, plan-time checks and
 * planning (pure).
 *
 * Shape (schemas/maas_reserved_ip.schema.json):
 *   ip: 192.168.4.60
 *   mac_address: bc:24:11:aa:00:60
 *   subnet: 192.168.4.0/24     # optional: a CIDR, an id or a maas_subnet object; MAAS picks
 *                              # the subnet holding the IP otherwise
 *   comment: uptime kuma       # optional
 * The id is MAAS's reserved-IP id. ip, mac_address and subnet cannot change in place
 * (src/maasserver/forms/reservedip.py: "... are immutable. Delete the entry and recreate it."),
 * the comment can. On MAAS < 3.6 the plan refuses the resource (live-plan-check.ts).
 */
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import { UNKNOWN, type Attributes, type Path, type Value } from '../../../src/core/value.js';
import { forceNewChanges, type ForceNewRule } from '../../../src/provider/force-new.js';
import { maasProviderSchema } from '../provider-schema.js';
import { isUnknownValue } from '../unknown-value.js';
import { cidrContains, cidrLast, formatCidr, formatIp, ipInRange, parseIp } from '../net/ip-address.js';
import { normalizeMac, sameMac } from '../net/mac-address.js';
import { parseSubnetRef, subnetRefCidr } from './device-config.js';
import { refNamesSubnet } from './subnet-data-source.js';

function problem(path: Path, message: string): AttributeProblem {
  return { path, message, severity: 'error' };
}

function given(v: Value | undefined): v is Value {
  return v !== undefined && v !== null;
}

export function validateReservedIpConfig(config: Attributes): AttributeProblem[] {
  const out: AttributeProblem[] = [];
  const ipValue = config.ip;
  let ip = undefined as ReturnType<typeof parseIp>;
  if (!given(ipValue)) out.push(problem(['ip'], 'ip is required (the address to reserve)'));
  else if (!isUnknownValue(ipValue)) {
    ip = typeof ipValue === 'string' ? parseIp(ipValue) : undefined;
    if (!ip) out.push(problem(['ip'], `${JSON.stringify(ipValue)} is not an IP address`));
  }
  const mac = config.mac_address;
  if (!given(mac)) out.push(problem(['mac_address'], 'mac_address is required (the MAC the address is leased to)'));
  else if (!isUnknownValue(mac) && (typeof mac !== 'string' || normalizeMac(mac) === undefined)) {
    out.push(problem(['mac_address'], `${JSON.stringify(mac)} is not a MAC address (expected six hex pairs like bc:24:11:0a:0b:0c)`));
  }
  if (given(config.comment) && !isUnknownValue(config.comment) && typeof config.comment !== 'string') {
    out.push(problem(['comment'], 'comment must be a string'));
  } else if (typeof config.comment === 'string' && config.comment.length > 255) {
    out.push(problem(['comment'], 'comment may be at most 255 characters (MAAS ReservedIP.comment)'));
  }
  if (!given(config.subnet)) return out;
  const subnet = parseSubnetRef(config.subnet);
  if ('problem' in subnet) {
    out.push(problem(['subnet'], subnet.problem));
    return out;
  }
  if (!('ok' in subnet) || !ip) return out;
  const cidr = subnetRefCidr(subnet.ok);
  const ipText = formatIp(ip);
  if (cidr) {
    // forms/reservedip.py clean_subnet
    if (!cidrContains(cidr, ip)) out.push(problem(['ip'], `IP ${ipText} is not in subnet ${formatCidr(cidr)}`));
    else if (ip.value === cidr.network)
      out.push(problem(['ip'], `IP ${ipText} is the network address of ${formatCidr(cidr)}: MAAS cannot reserve it`));
    else if (ip.version === 4 && ip.value === cidrLast(cidr)) {
      out.push(problem(['ip'], `IP ${ipText} is the broadcast address of ${formatCidr(cidr)}: MAAS cannot reserve it`));
    }
  }
  if (subnet.ok.kind === 'object') {
    for (const r of subnet.ok.dynamicRanges) {
      if (ipInRange(ip, r)) {
        out.push(
          problem(
            ['ip'],
            `IP ${ipText} is inside the dynamic range ${formatIp(r.start)} to ${formatIp(r.end)}: MAAS reserves addresses outside it only`,
          ),
        );
      }
    }
  }
  return out;
}

const FIXED = 'MAAS keeps the ip, MAC and subnet of a reserved IP fixed (delete and recreate)';

/**
 * How a change of each forceNew attribute (provider-schema.ts) is seen: the IP as an address
 * (an unknown or unparsable one counts as changed), the MAC in any notation, the subnet only
 * when config names one.
 */
const RESERVED_IP_REPLACEMENTS: Record<string, ForceNewRule> = {
  ip: {
    changed: ({ prior, planned }) => {
      const now = typeof planned.ip === 'string' ? parseIp(planned.ip) : undefined;
      const before = typeof prior.ip === 'string' ? parseIp(prior.ip) : undefined;
      return !now || !before || now.value !== before.value || now.version !== before.version;
    },
    reason: FIXED,
  },
  mac_address: {
    changed: ({ prior, planned }) =>
      typeof planned.mac_address !== 'string' || typeof prior.mac_address !== 'string' || !sameMac(planned.mac_address, prior.mac_address),
    reason: FIXED,
  },
  subnet: { changed: ({ prior, config }) => given(config.subnet) && !sameSubnetValue(config.subnet, prior.subnet), reason: FIXED },
};

export function planReservedIp(prior: Attributes | null, config: Attributes): PlanResourceResponse {
  const planned: Attributes = {
    ip: config.ip ?? null,
    mac_address: config.mac_address ?? null,
    subnet: given(config.subnet) ? config.subnet : (prior?.subnet ?? UNKNOWN),
    comment: given(config.comment) ? config.comment : (prior?.comment ?? ''),
  };
  const attributes = maasProviderSchema().resources.maas_reserved_ip!.attributes;
  const requiresReplace = prior ? forceNewChanges(attributes, { prior, planned, config }, RESERVED_IP_REPLACEMENTS) : [];
  if (prior) {
    const ipNow = typeof planned.ip === 'string' ? parseIp(planned.ip) : undefined;
    const ipBefore = typeof prior.ip === 'string' ? parseIp(prior.ip) : undefined;
    if (ipNow && ipBefore && ipNow.value === ipBefore.value) planned.ip = prior.ip!;
    if (
      typeof planned.mac_address === 'string' &&
      typeof prior.mac_address === 'string' &&
      sameMac(planned.mac_address, prior.mac_address)
    ) {
      planned.mac_address = prior.mac_address;
    }
  }
  return { planned, requiresReplace, notes: [], problems: [] };
}

/** True when two subnet values (CIDR, id, object) name the same subnet as far as can be told. */
function sameSubnetValue(a: Value, b: Value | undefined): boolean {
  if (isUnknownValue(a)) return false;
  const ra = parseSubnetRef(a);
  const rb = parseSubnetRef(b);
  if (!('ok' in ra) || !('ok' in rb)) return false;
  const cidrB = subnetRefCidr(rb.ok);
  const idB = rb.ok.kind === 'id' ? rb.ok.id : rb.ok.kind === 'object' ? rb.ok.id : undefined;
  if (idB !== undefined && refNamesSubnet(ra.ok, { id: idB, cidr: cidrB ? formatCidr(cidrB) : '' })) return true;
  return cidrB !== undefined && refNamesSubnet(ra.ok, { id: -1, cidr: formatCidr(cidrB) });
}
