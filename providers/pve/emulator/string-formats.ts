/**
 * The named string formats of the PVE API schema (`pve-vmid`, `pve-node`, `mac-addr`, ...)
 * that the emulated endpoints use, each a check returning PVE's error text or undefined.
 * Formats not listed here are accepted as any string.
 */
import { tryParseSize } from '../property-string.js';

type FormatCheck = (value: string) => string | undefined;

const NODE_RE = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)$/;
const STORAGE_ID_RE = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;
const CONFIGID_RE = /^[a-z][a-z0-9_-]+$/i;
const DNS_LABEL = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)';
const DNS_NAME_RE = new RegExp(`^(?:${DNS_LABEL}\\.)*${DNS_LABEL}$`);
const MAC_RE = /^([a-f0-9]{2})(?::[a-f0-9]{2}){5}$/i;
const VOLUME_ID_RE = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i;
const IPV4_RE = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const TAG_RE = /^[a-z0-9_][a-z0-9_\-+.]*$/i;
const POOL_RE = /^[A-Za-z0-9_\-/]+$/;

export function isIpv4(text: string): boolean {
  return IPV4_RE.test(text);
}

export function isIpv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return false;
  const dbl = text.split('::');
  if (dbl.length > 2) return false;
  const groups = text.split(':').filter((g) => g !== '');
  return groups.length <= 8 && groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g) || isIpv4(g));
}

function cidr(text: string, ipCheck: (s: string) => boolean, max: number): boolean {
  const m = /^(.+)\/(\d+)$/.exec(text);
  return !!m && ipCheck(m[1] as string) && Number(m[2]) <= max;
}

export function isVolumeId(text: string): boolean {
  return VOLUME_ID_RE.test(text);
}

/** Splits a PVE list value (`a,b c;d` or `\0`-joined repeated parameters). */
export function splitList(text: string): string[] {
  return text.split(/[,;\s\0]+/).filter((p) => p !== '');
}

const listOf =
  (check: FormatCheck): FormatCheck =>
  (value) => {
    for (const part of splitList(value)) {
      const err = check(part);
      if (err) return err;
    }
    return undefined;
  };

const vmid: FormatCheck = (v) => (/^[1-9][0-9]{2,8}$/.test(v) ? undefined : 'value does not look like a valid VM ID');
const node: FormatCheck = (v) => (NODE_RE.test(v) ? undefined : 'value does not look like a valid node name');
const storageId: FormatCheck = (v) => (STORAGE_ID_RE.test(v) ? undefined : `storage ID '${v}' contains illegal characters`);
const configId: FormatCheck = (v) => (CONFIGID_RE.test(v) ? undefined : `invalid configuration ID '${v}'`);
const dnsName: FormatCheck = (v) => (DNS_NAME_RE.test(v) ? undefined : `value does not look like a valid DNS name`);
const volumeId: FormatCheck = (v) => (isVolumeId(v) ? undefined : `unable to parse volume ID '${v}'`);

const FORMATS: Record<string, FormatCheck> = {
  'pve-vmid': vmid,
  'pve-vmid-list': listOf(vmid),
  'pve-node': node,
  'pve-storage-id': storageId,
  'pve-storage-id-list': listOf(storageId),
  'pve-configid': configId,
  'pve-configid-list': listOf(configId),
  'pve-snapshot-name': configId,
  'pve-poolid': (v) => (POOL_RE.test(v) ? undefined : `invalid pool ID '${v}'`),
  'dns-name': dnsName,
  'dns-name-list': listOf(dnsName),
  'pve-tag-list': listOf((t) => (TAG_RE.test(t) ? undefined : `invalid tag '${t}'`)),
  'mac-addr': (v) => {
    const m = MAC_RE.exec(v);
    return m && (parseInt(m[1] as string, 16) & 1) === 0 ? undefined : 'value does not look like a valid unicast MAC address';
  },
  'disk-size': (v) => (tryParseSize(v) === undefined ? `unable to parse size '${v}'` : undefined),
  'pve-volume-id': volumeId,
  'pve-volume-id-or-qm-path': (v) =>
    isVolumeId(v) || v.startsWith('/') || v === 'none' || v === 'cdrom' || v === 'cloudinit'
      ? undefined
      : `unable to parse volume ID '${v}'`,
  'pve-volume-id-or-absolute-path': (v) => (isVolumeId(v) || v.startsWith('/') ? undefined : `unable to parse volume ID '${v}'`),
  'pve-lxc-mp-string': (v) => (isVolumeId(v) || v.startsWith('/') ? undefined : `unable to parse volume ID '${v}'`),
  ipv4: (v) => (isIpv4(v) ? undefined : 'value does not look like a valid IPv4 address'),
  ipv6: (v) => (isIpv6(v) ? undefined : 'value does not look like a valid IPv6 address'),
  'pve-ipv4-config': (v) =>
    v === 'dhcp' || v === 'manual' || cidr(v, isIpv4, 32) ? undefined : 'value does not look like a valid ipv4 network configuration',
  'pve-ipv6-config': (v) =>
    v === 'auto' || v === 'dhcp' || v === 'manual' || cidr(v, isIpv6, 128)
      ? undefined
      : 'value does not look like a valid ipv6 network configuration',
  'address-list': listOf((a) => (isIpv4(a) || isIpv6(a) ? undefined : `unable to parse IP address '${a}'`)),
  'lxc-ip-with-ll-iface-list': listOf((a) =>
    isIpv4(a) || isIpv6(a.replace(/%.+$/, '')) ? undefined : `unable to parse IP address '${a}'`,
  ),
  urlencoded: (v) => (/^[-%a-zA-Z0-9_.!~*'()]*$/.test(v) ? undefined : `value '${v}' is not urlencoded`),
  'pve-bridge-id': (v) => (/^[-_.\w\d]+$/.test(v) ? undefined : `invalid bridge ID '${v}'`),
  'pve-storage-content': (v) =>
    /^(images|rootdir|vztmpl|iso|backup|snippets|import)$/.test(v) ? undefined : `invalid content type '${v}'`,
  'pve-storage-content-list': listOf((v) =>
    /^(images|rootdir|vztmpl|iso|backup|snippets|import|none)$/.test(v) ? undefined : `invalid content type '${v}'`,
  ),
};

/** PVE's error text when `value` does not have `format`, else undefined (unknown formats pass). */
export function checkStringFormat(format: string, value: string): string | undefined {
  const check = FORMATS[format];
  return check ? check(value) : undefined;
}
