/**
 * Plan-time checks of a `maas_device` config (pure: no I/O). What they can see is the config
 * itself: hostname and domain rules, MAC format and duplicates, each interface's IP against
 * its subnet when the CIDR is known (a CIDR string or a `maas_subnet` object), and against
 * the subnet's dynamic ranges and gateway when a `maas_subnet` object is given.
 *
 * Only dynamic ranges are refused, as MAAS does (forms/interface_link.py); the gateway address
 * and a subnet whose VLAN has no MAAS DHCP (`vlan.dhcp_on` of a `maas_subnet` object: the
 * VM would never be handed the registered address) are warnings.
 *
 * Checks needing MAAS's live data (the domain and zone exist, a MAC is not already used by
 * another device, the IP is not taken, the dynamic ranges of a subnet given by CIDR or id,
 * reserved IPs) run at plan time (live-plan-check.ts) and again in create/update before any
 * write: see device-live-checks.ts.
 */
import type { AttributeProblem } from '../../../src/provider/contract.js';
import { isValueMap, type Attributes, type Path, type Value } from '../../../src/core/value.js';
import { isUnknownValue } from '../unknown-value.js';
import { cidrContains, cidrLast, formatCidr, formatIp, ipInRange, parseIp } from '../net/ip-address.js';
import { domainNameProblem, hostnameProblem } from '../net/dns-name.js';
import { normalizeMac } from '../net/mac-address.js';
import { interfaceEntries, parseSubnetRef, subnetRefCidr } from './device-config.js';

/** Item of a plan warning: a static IP on a VLAN where MAAS serves no DHCP. */
export function noDhcpWarning(ipText: string, subnet: string, vlan: string | undefined): string {
  return (
    `IP ${ipText} is on ${subnet}, whose VLAN${vlan ? ` "${vlan}"` : ''} has no MAAS DHCP: MAAS records the address, but a VM ` +
    'that asks DHCP for one will never be handed it; configure it statically in the guest, or enable DHCP on the VLAN'
  );
}

const MAC_HINT = 'expected six hex pairs like bc:24:11:0a:0b:0c';

function problem(path: Path, message: string): AttributeProblem {
  return { path, message, severity: 'error' };
}

function checkOptionalString(config: Attributes, key: string, out: AttributeProblem[]): string | undefined {
  const v = config[key];
  if (v === undefined || v === null || isUnknownValue(v)) return undefined;
  if (typeof v !== 'string') {
    out.push(problem([key], `${key} must be a string`));
    return undefined;
  }
  return v;
}

export function validateDeviceConfig(config: Attributes): AttributeProblem[] {
  const out: AttributeProblem[] = [];

  // hostname
  const hostname = config.hostname;
  if (hostname === undefined || hostname === null) {
    out.push(problem(['hostname'], 'hostname is required'));
  } else if (!isUnknownValue(hostname)) {
    if (typeof hostname !== 'string') out.push(problem(['hostname'], 'hostname must be a string'));
    else if (hostname.includes('.')) {
      out.push(problem(['hostname'], `hostname "${hostname}" must be a single label; put the domain in \`domain\``));
    } else {
      const p = hostnameProblem(hostname);
      if (p) out.push(problem(['hostname'], `invalid hostname "${hostname}": ${p}`));
    }
  }

  const domain = checkOptionalString(config, 'domain', out);
  if (domain !== undefined) {
    const p = domainNameProblem(domain);
    if (p) out.push(problem(['domain'], `invalid domain "${domain}": ${p}`));
  }
  const zone = checkOptionalString(config, 'zone', out);
  if (zone !== undefined && zone.trim() === '') out.push(problem(['zone'], 'zone must not be empty'));
  checkOptionalString(config, 'description', out);
  const parent = checkOptionalString(config, 'parent', out);
  if (parent !== undefined && !/^[a-z0-9]+$/.test(parent)) {
    out.push(problem(['parent'], `parent must be the system_id of a MAAS node (like "4y3h7n"), got "${parent}"`));
  }

  // mac_addresses
  const listed = new Map<string, number>();
  const macList = config.mac_addresses;
  let macListKnown = false;
  if (macList !== undefined && macList !== null && !isUnknownValue(macList)) {
    if (!Array.isArray(macList)) out.push(problem(['mac_addresses'], 'mac_addresses must be a list of MAC addresses'));
    else {
      macListKnown = macList.every((m) => !isUnknownValue(m));
      macList.forEach((m, i) => {
        if (isUnknownValue(m)) return;
        const n = typeof m === 'string' ? normalizeMac(m) : undefined;
        if (n === undefined) {
          out.push(problem(['mac_addresses', i], `${JSON.stringify(m)} is not a MAC address (${MAC_HINT})`));
          return;
        }
        if (listed.has(n)) out.push(problem(['mac_addresses', i], `MAC address ${n} is listed twice`));
        else listed.set(n, i);
      });
    }
  }

  // interfaces
  const ifaces = config.interfaces;
  if (ifaces !== undefined && ifaces !== null && !isUnknownValue(ifaces) && !isValueMap(ifaces)) {
    out.push(problem(['interfaces'], 'interfaces must be a map of label (or MAC) to {mac, subnet, ip}'));
  }
  const seenMacs = new Map<string, string>();
  const seenIps = new Map<string, string>();
  for (const e of interfaceEntries(config)) {
    const raw = isValueMap(ifaces) ? ifaces[e.label] : undefined;
    if (isUnknownValue(raw)) continue;
    if (!e.entry) {
      out.push(problem(e.path, `interface "${e.label}" must be a map {mac, subnet, ip}`));
      continue;
    }
    for (const key of Object.keys(e.entry)) {
      if (!['mac', 'subnet', 'ip'].includes(key)) {
        out.push(problem([...e.path, key], `unknown attribute "${key}" of interface "${e.label}" (expected mac, subnet, ip)`));
      }
    }

    // MAC
    if (e.mac === undefined) {
      out.push(problem(e.path, `interface "${e.label}" needs a mac (or use the MAC address itself as the key)`));
    } else if (!isUnknownValue(e.mac)) {
      const n = typeof e.mac === 'string' ? normalizeMac(e.mac) : undefined;
      const macPath = e.macFromKey ? e.path : [...e.path, 'mac'];
      if (n === undefined) {
        out.push(problem(macPath, `${JSON.stringify(e.mac)} is not a MAC address (${MAC_HINT})`));
      } else {
        const keyMac = normalizeMac(e.label);
        if (!e.macFromKey && keyMac !== undefined && keyMac !== n) {
          out.push(problem([...e.path, 'mac'], `interface key is the MAC ${keyMac} but mac says ${n}`));
        }
        const other = seenMacs.get(n);
        if (other !== undefined) out.push(problem(macPath, `MAC ${n} is used by interfaces "${other}" and "${e.label}"`));
        else seenMacs.set(n, e.label);
        if (macListKnown && !listed.has(n)) {
          out.push(problem(macPath, `MAC ${n} of interface "${e.label}" is not in mac_addresses`));
        }
      }
    }

    // subnet and ip
    const subnet = parseSubnetRef(e.entry.subnet);
    if ('problem' in subnet) out.push(problem([...e.path, 'subnet'], subnet.problem));
    const ipValue: Value | undefined = e.entry.ip;
    if (ipValue === undefined || ipValue === null) {
      out.push(problem([...e.path, 'ip'], `interface "${e.label}" needs an ip (the static address to link)`));
      continue;
    }
    if (isUnknownValue(ipValue)) continue;
    const ip = typeof ipValue === 'string' ? parseIp(ipValue) : undefined;
    if (!ip) {
      out.push(problem([...e.path, 'ip'], `${JSON.stringify(ipValue)} is not an IP address`));
      continue;
    }
    const ipText = formatIp(ip);
    const dup = seenIps.get(ipText);
    if (dup !== undefined) out.push(problem([...e.path, 'ip'], `IP ${ipText} is given to interfaces "${dup}" and "${e.label}"`));
    else seenIps.set(ipText, e.label);
    if (!('ok' in subnet)) continue;
    const cidr = subnetRefCidr(subnet.ok);
    if (cidr) {
      const net = formatCidr(cidr);
      if (!cidrContains(cidr, ip)) {
        out.push(problem([...e.path, 'ip'], `IP ${ipText} is not in subnet ${net}`));
        continue;
      }
      if (ip.version === 4 && cidr.prefix <= 30) {
        if (ip.value === cidr.network) out.push(problem([...e.path, 'ip'], `IP ${ipText} is the network address of ${net}`));
        else if (ip.value === cidrLast(cidr)) out.push(problem([...e.path, 'ip'], `IP ${ipText} is the broadcast address of ${net}`));
      }
    }
    if (subnet.ok.kind === 'object') {
      const where = cidr ? ` of subnet ${formatCidr(cidr)}` : '';
      for (const r of subnet.ok.dynamicRanges) {
        if (ipInRange(ip, r)) {
          out.push(
            problem(
              [...e.path, 'ip'],
              `IP ${ipText} is inside the dynamic range ${formatIp(r.start)} to ${formatIp(r.end)}${where}: MAAS hands those ` +
                'addresses out by DHCP, pick a static address outside it',
            ),
          );
        }
      }
      if (subnet.ok.gateway && subnet.ok.gateway.value === ip.value && subnet.ok.gateway.version === ip.version) {
        // MAAS links it (the gateway is no StaticIPAddress), but two hosts would answer for it
        out.push({ path: [...e.path, 'ip'], message: `IP ${ipText} is the gateway address${where}`, severity: 'warning' });
      }
      if (subnet.ok.dhcpOn === false) {
        out.push({
          path: [...e.path, 'ip'],
          message: noDhcpWarning(ipText, cidr ? formatCidr(cidr) : 'its subnet', subnet.ok.vlanName),
          severity: 'warning',
        });
      }
    }
  }

  const anyMac = (Array.isArray(macList) && macList.length > 0) || isUnknownValue(macList) || interfaceEntries(config).length > 0;
  if (!anyMac && !isUnknownValue(ifaces)) {
    out.push(problem([], 'a MAAS device needs at least one MAC address: set mac_addresses or give interfaces a mac'));
  }
  return out;
}
