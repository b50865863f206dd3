/**
 * PVE property strings: the `key=value,key=value` values of guest config keys such as
 * `net0: virtio=BC:24:11:12:34:56,bridge=vmbr0,firewall=1` or
 * `scsi0: local-lvm:vm-100-disk-0,iothread=1,size=32G`.
 *
 * Parsing and printing follow PVE (pve-common PVE::JSONSchema): a part without `=` belongs to
 * the format's default key; the default key is printed first without `key=`, the other keys
 * follow in sorted order. With a known format, values are made canonical while parsing:
 * booleans become `1`/`0` (PVE accepts 1/on/yes/true and 0/off/no/false), sizes are printed in
 * the largest exact unit (`32768M` → `32G`), aliases are resolved (`volume=` → `file=`) and key
 * aliases are expanded (`virtio=MAC` → `model=virtio`, `macaddr=MAC`). So two strings that
 * PVE treats as equal parse to equal maps.
 *
 * The formats below describe the keys a homelab provider touches; they are shared by the
 * provider (for canonical diffs) and the emulator (which also validates with them).
 * Pure code: no I/O, nothing runs at import time beyond building constant tables.
 */

/** A parsed property string: key → canonical text value. */
export type PropertyMap = Record<string, string>;

export type PropertyKeyType = 'string' | 'integer' | 'number' | 'boolean' | 'size';

/** One key of a property-string format. */
export interface PropertyKeySpec {
  type: PropertyKeyType;
  /** Allowed values (string keys). */
  enum?: readonly string[];
  /** Whole-value regular expression (anchored when checked). */
  pattern?: RegExp;
  /** Name of a PVE string format (`mac-addr`, `pve-volume-id`, ...), checked by the emulator. */
  format?: string;
  minimum?: number;
  maximum?: number;
}

/** `virtio=MAC` style keys: the key names one field's value, the value is another field's. */
export interface KeyAliasSpec {
  /** Field set to the key's name, e.g. `model`. */
  keyField: string;
  /** Field set to the key's value, e.g. `macaddr`. */
  valueField: string;
  /** Key names that act this way, e.g. `virtio`, `e1000`. */
  keys: readonly string[];
}

export interface PropertyStringFormat {
  /** Key for a part written without `key=`; printed first without `key=`. */
  defaultKey?: string;
  /** Known keys. With `keys`, unknown keys are errors for validation (parsing keeps them). */
  keys?: Record<string, PropertyKeySpec>;
  /** Keys PVE requires; printed right after the default key (e.g. `name` of an LXC NIC). */
  required?: readonly string[];
  /** Plain aliases: alias name → real key (`volume` → `file`). */
  aliases?: Record<string, string>;
  keyAlias?: KeyAliasSpec;
}

/** A property string that cannot be parsed (duplicate key, missing default key, bad size). */
export class PropertyStringError extends Error {
  override readonly name = 'PropertyStringError';
}

const TRUE_WORDS = new Set(['1', 'on', 'yes', 'true']);
const FALSE_WORDS = new Set(['0', 'off', 'no', 'false']);

/** PVE boolean words (case-insensitive) → boolean; undefined when not a boolean word. */
export function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return true;
  if (FALSE_WORDS.has(t)) return false;
  return undefined;
}

const UNIT: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
const SIZE_RE = /^(\d+(?:\.\d+)?)([KMGT])?$/;

/**
 * A PVE disk size (`32G`, `512M`, `1.5G`, `4096K`, `1T`, or a bare number of bytes) → bytes.
 * Throws PropertyStringError on anything else.
 */
export function parseSize(text: string): number {
  const m = SIZE_RE.exec(text.trim());
  if (!m) throw new PropertyStringError(`unable to parse size '${text}'`);
  return Math.trunc(Number(m[1]) * (UNIT[m[2] ?? ''] ?? 1));
}

/** Like parseSize, but undefined instead of an exception. */
export function tryParseSize(text: string): number | undefined {
  try {
    return parseSize(text);
  } catch {
    return undefined;
  }
}

/** Bytes → PVE's text: the largest unit that divides exactly (34359738368 → `32G`, 1536 → `1536`). */
export function formatSize(bytes: number): string {
  const b = Math.trunc(bytes);
  const kb = Math.trunc(b / 1024);
  if (kb * 1024 !== b) return String(b);
  const mb = Math.trunc(kb / 1024);
  if (mb * 1024 !== kb) return `${kb}K`;
  const gb = Math.trunc(mb / 1024);
  if (gb * 1024 !== mb) return `${mb}M`;
  const tb = Math.trunc(gb / 1024);
  if (tb * 1024 !== gb) return `${gb}G`;
  return `${tb}T`;
}

function asFormat(format?: string | PropertyStringFormat): PropertyStringFormat {
  if (format === undefined) return {};
  if (typeof format === 'string') return { defaultKey: format };
  return format;
}

/** Canonical text of one value: booleans `1`/`0`, sizes in the largest exact unit. */
export function canonicalPropertyValue(format: PropertyStringFormat, key: string, value: string): string {
  const spec = format.keys?.[key];
  if (!spec) return value;
  if (spec.type === 'boolean') {
    const b = parseBoolean(value);
    return b === undefined ? value : b ? '1' : '0';
  }
  if (spec.type === 'size') {
    const n = tryParseSize(value);
    return n === undefined ? value : formatSize(n);
  }
  return value;
}

/**
 * Parses `text` into a map. `format` is a default key name or a full format. Throws
 * PropertyStringError for a duplicate key or a bare value without a default key.
 */
export function parsePropertyString(text: string, format?: string | PropertyStringFormat): PropertyMap {
  const f = asFormat(format);
  const out: PropertyMap = {};
  const set = (key: string, value: string): void => {
    if (Object.hasOwn(out, key)) {
      throw new PropertyStringError(`duplicate key in comma-separated list property: ${key}`);
    }
    out[key] = canonicalPropertyValue(f, key, value);
  };
  for (const rawPart of text.split(',')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (!f.defaultKey) {
        throw new PropertyStringError(`value without key, but schema does not define a default key`);
      }
      set(f.defaultKey, part);
      continue;
    }
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1);
    if (f.keyAlias?.keys.includes(key)) {
      set(f.keyAlias.keyField, key);
      set(f.keyAlias.valueField, value);
      continue;
    }
    set(f.aliases?.[key] ?? key, value);
  }
  return out;
}

/**
 * Prints a map as PVE does: default key (or the key alias pair) first, then required keys,
 * then the remaining keys, each group sorted. Undefined values are skipped; values are made
 * canonical for known keys.
 */
export function formatPropertyString(
  obj: Readonly<Record<string, string | number | boolean | undefined>>,
  format?: string | PropertyStringFormat,
): string {
  const f = asFormat(format);
  const values = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const key = f.aliases?.[k] ?? k;
    const text = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    values.set(key, canonicalPropertyValue(f, key, text));
  }
  const parts: string[] = [];
  const ka = f.keyAlias;
  if (ka && values.has(ka.keyField) && values.has(ka.valueField)) {
    parts.push(`${values.get(ka.keyField)}=${values.get(ka.valueField)}`);
    values.delete(ka.keyField);
    values.delete(ka.valueField);
  }
  if (f.defaultKey && values.has(f.defaultKey)) {
    parts.push(values.get(f.defaultKey) as string);
    values.delete(f.defaultKey);
  }
  for (const key of [...(f.required ?? [])].sort()) {
    if (!values.has(key)) continue;
    parts.push(`${key}=${values.get(key)}`);
    values.delete(key);
  }
  for (const key of [...values.keys()].sort()) parts.push(`${key}=${values.get(key)}`);
  return parts.join(',');
}

/** Parses both strings with `format` and compares the canonical maps. */
export function propertyStringsEqual(a: string, b: string, format?: string | PropertyStringFormat): boolean {
  try {
    const pa = parsePropertyString(a, format);
    const pb = parsePropertyString(b, format);
    const ka = Object.keys(pa).sort();
    const kb = Object.keys(pb).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && pa[k] === pb[k]);
  } catch {
    return a === b;
  }
}

// ---------------------------------------------------------------------------------------------
// Formats of the config keys a homelab touches (PVE 8/9).

const s = (extra: Partial<PropertyKeySpec> = {}): PropertyKeySpec => ({ type: 'string', ...extra });
const b: PropertyKeySpec = { type: 'boolean' };
const int = (extra: Partial<PropertyKeySpec> = {}): PropertyKeySpec => ({ type: 'integer', ...extra });
const num: PropertyKeySpec = { type: 'number' };
const size: PropertyKeySpec = { type: 'size', format: 'disk-size' };

/** QEMU NIC models; each may be used as a key: `virtio=MAC`. */
export const QEMU_NIC_MODELS = [
  'e1000',
  'e1000-82540em',
  'e1000-82544gc',
  'e1000-82545em',
  'e1000e',
  'i82551',
  'i82557b',
  'i82559er',
  'ne2k_isa',
  'ne2k_pci',
  'pcnet',
  'rtl8139',
  'virtio',
  'vmxnet3',
] as const;

/** `netN` of a QEMU VM. */
export const QEMU_NET_FORMAT: PropertyStringFormat = {
  defaultKey: 'model',
  keyAlias: { keyField: 'model', valueField: 'macaddr', keys: QEMU_NIC_MODELS },
  keys: {
    model: s({ enum: QEMU_NIC_MODELS }),
    macaddr: s({ format: 'mac-addr' }),
    bridge: s({ format: 'pve-bridge-id' }),
    firewall: b,
    link_down: b,
    mtu: int({ minimum: 1, maximum: 65520 }),
    queues: int({ minimum: 0, maximum: 64 }),
    rate: { type: 'number', minimum: 0 },
    tag: int({ minimum: 1, maximum: 4094 }),
    trunks: s({ pattern: /\d+(?:-\d+)?(?:;\d+(?:-\d+)?)*/ }),
  },
};

const DRIVE_COMMON: Record<string, PropertyKeySpec> = {
  file: s({ format: 'pve-volume-id-or-qm-path' }),
  aio: s({ enum: ['native', 'threads', 'io_uring'] }),
  backup: b,
  bps: int(),
  bps_max_length: int({ minimum: 1 }),
  bps_rd: int(),
  bps_rd_max_length: int({ minimum: 1 }),
  bps_wr: int(),
  bps_wr_max_length: int({ minimum: 1 }),
  cache: s({ enum: ['none', 'writethrough', 'writeback', 'unsafe', 'directsync'] }),
  detect_zeroes: b,
  discard: s({ enum: ['ignore', 'on'] }),
  format: s({ enum: ['raw', 'cloop', 'qcow', 'qcow2', 'qed', 'vmdk'] }),
  'import-from': s({ format: 'pve-volume-id-or-absolute-path' }),
  iops: int(),
  iops_max: int(),
  iops_max_length: int({ minimum: 1 }),
  iops_rd: int(),
  iops_rd_max: int(),
  iops_rd_max_length: int({ minimum: 1 }),
  iops_wr: int(),
  iops_wr_max: int(),
  iops_wr_max_length: int({ minimum: 1 }),
  mbps: num,
  mbps_max: num,
  mbps_rd: num,
  mbps_rd_max: num,
  mbps_wr: num,
  mbps_wr_max: num,
  media: s({ enum: ['cdrom', 'disk'] }),
  replicate: b,
  rerror: s({ enum: ['ignore', 'report', 'stop'] }),
  serial: s({ format: 'urlencoded' }),
  shared: b,
  size,
  snapshot: b,
  werror: s({ enum: ['enospc', 'ignore', 'report', 'stop'] }),
};
const DRIVE_ALIASES: Record<string, string> = {
  volume: 'file',
  bps_rd_length: 'bps_rd_max_length',
  bps_wr_length: 'bps_wr_max_length',
  iops_rd_length: 'iops_rd_max_length',
  iops_wr_length: 'iops_wr_max_length',
};

/** `scsiN` of a QEMU VM. */
export const QEMU_SCSI_FORMAT: PropertyStringFormat = {
  defaultKey: 'file',
  required: ['file'],
  aliases: DRIVE_ALIASES,
  keys: {
    ...DRIVE_COMMON,
    iothread: b,
    product: s(),
    queues: int({ minimum: 2 }),
    ro: b,
    scsiblock: b,
    ssd: b,
    vendor: s(),
    wwn: s({ pattern: /(?:0x)?[0-9a-fA-F]{16}/ }),
  },
};
/** `virtioN` of a QEMU VM. */
export const QEMU_VIRTIO_FORMAT: PropertyStringFormat = {
  defaultKey: 'file',
  required: ['file'],
  aliases: DRIVE_ALIASES,
  keys: { ...DRIVE_COMMON, iothread: b, ro: b },
};
/** `sataN` of a QEMU VM. */
export const QEMU_SATA_FORMAT: PropertyStringFormat = {
  defaultKey: 'file',
  required: ['file'],
  aliases: DRIVE_ALIASES,
  keys: { ...DRIVE_COMMON, ssd: b, wwn: s({ pattern: /(?:0x)?[0-9a-fA-F]{16}/ }) },
};
/** `ideN` of a QEMU VM. */
export const QEMU_IDE_FORMAT: PropertyStringFormat = {
  defaultKey: 'file',
  required: ['file'],
  aliases: DRIVE_ALIASES,
  keys: { ...DRIVE_COMMON, model: s({ format: 'urlencoded' }), ssd: b, wwn: s({ pattern: /(?:0x)?[0-9a-fA-F]{16}/ }) },
};
/** `efidisk0` of a QEMU VM. */
export const QEMU_EFIDISK_FORMAT: PropertyStringFormat = {
  defaultKey: 'file',
  required: ['file'],
  aliases: { volume: 'file' },
  keys: {
    file: s({ format: 'pve-volume-id-or-qm-path' }),
    efitype: s({ enum: ['2m', '4m'] }),
    format: s({ enum: ['raw', 'cloop', 'qcow', 'qcow2', 'qed', 'vmdk'] }),
    'import-from': s({ format: 'pve-volume-id-or-absolute-path' }),
    'ms-cert': s({ enum: ['2011', '2023', '2023w', '2023k'] }),
    'pre-enrolled-keys': b,
    size,
  },
};
/** `tpmstate0` of a QEMU VM. */
export const QEMU_TPMSTATE_FORMAT: PropertyStringFormat = {
  defaultKey: 'file',
  required: ['file'],
  aliases: { volume: 'file' },
  keys: {
    file: s({ format: 'pve-volume-id-or-qm-path' }),
    format: s({ enum: ['raw', 'qcow2', 'vmdk'] }),
    'import-from': s({ format: 'pve-volume-id-or-absolute-path' }),
    size,
    version: s({ enum: ['v1.2', 'v2.0'] }),
  },
};
/** `unusedN` of a QEMU VM. */
export const QEMU_UNUSED_FORMAT: PropertyStringFormat = {
  defaultKey: 'file',
  required: ['file'],
  aliases: { volume: 'file' },
  keys: { file: s({ format: 'pve-volume-id' }) },
};
/** `usbN` of a QEMU VM. */
export const QEMU_USB_FORMAT: PropertyStringFormat = {
  defaultKey: 'host',
  keys: { host: s(), mapping: s({ format: 'pve-configid' }), usb3: b },
};
/** `hostpciN` of a QEMU VM. */
export const QEMU_HOSTPCI_FORMAT: PropertyStringFormat = {
  defaultKey: 'host',
  keys: {
    host: s(),
    'device-id': s(),
    driver: s({ enum: ['vfio', 'keep'] }),
    'legacy-igd': b,
    mapping: s({ format: 'pve-configid' }),
    mdev: s(),
    pcie: b,
    rombar: b,
    romfile: s(),
    'sub-device-id': s(),
    'sub-vendor-id': s(),
    'vendor-id': s(),
    'x-vga': b,
  },
};
/** `agent` of a QEMU VM. */
export const QEMU_AGENT_FORMAT: PropertyStringFormat = {
  defaultKey: 'enabled',
  aliases: { 'freeze-fs-on-backup': 'freeze-fs', 'guest-fsfreeze': 'freeze-fs' },
  keys: { enabled: b, 'freeze-fs': b, fstrim_cloned_disks: b, type: s({ enum: ['virtio', 'isa'] }) },
};
/** `memory` of a QEMU VM (PVE 8.1+: a property string, `4096` or `current=4096`). */
export const QEMU_MEMORY_FORMAT: PropertyStringFormat = {
  defaultKey: 'current',
  keys: { current: int({ minimum: 16 }) },
};
/** `cpu` of a QEMU VM. */
export const QEMU_CPU_FORMAT: PropertyStringFormat = {
  defaultKey: 'cputype',
  keys: {
    cputype: s(),
    flags: s(),
    'guest-phys-bits': int({ minimum: 32, maximum: 64 }),
    hidden: b,
    'hv-vendor-id': s(),
    'phys-bits': s(),
    'reported-model': s(),
  },
};
/** `vga` of a QEMU VM. */
export const QEMU_VGA_FORMAT: PropertyStringFormat = {
  defaultKey: 'type',
  keys: {
    type: s({
      enum: [
        'cirrus',
        'qxl',
        'qxl2',
        'qxl3',
        'qxl4',
        'none',
        'serial0',
        'serial1',
        'serial2',
        'serial3',
        'std',
        'virtio',
        'virtio-gl',
        'vmware',
      ],
    }),
    memory: int({ minimum: 4, maximum: 512 }),
    clipboard: s({ enum: ['vnc'] }),
  },
};
/** `machine` of a QEMU VM. */
export const QEMU_MACHINE_FORMAT: PropertyStringFormat = {
  defaultKey: 'type',
  keys: { type: s(), 'aw-bits': num, 'enable-s3': b, 'enable-s4': b, viommu: s({ enum: ['intel', 'virtio'] }) },
};
/** `ipconfigN` of a QEMU VM (cloud-init). */
export const QEMU_IPCONFIG_FORMAT: PropertyStringFormat = {
  keys: { ip: s(), gw: s({ format: 'ipv4' }), ip6: s(), gw6: s({ format: 'ipv6' }) },
};
/** `boot` of a QEMU VM. */
export const QEMU_BOOT_FORMAT: PropertyStringFormat = {
  defaultKey: 'legacy',
  keys: { legacy: s({ pattern: /[acdn]{1,4}/ }), order: s() },
};
/** `startup` of a VM or container. */
export const STARTUP_FORMAT: PropertyStringFormat = {
  defaultKey: 'order',
  keys: { order: int({ minimum: 0 }), up: int({ minimum: 0 }), down: int({ minimum: 0 }) },
};
/** `smbios1` of a QEMU VM. */
export const QEMU_SMBIOS1_FORMAT: PropertyStringFormat = {
  keys: {
    base64: b,
    family: s(),
    manufacturer: s(),
    product: s(),
    serial: s(),
    sku: s(),
    uuid: s(),
    version: s(),
  },
};
/** `netN` of a container. */
export const LXC_NET_FORMAT: PropertyStringFormat = {
  required: ['name'],
  keys: {
    name: s(),
    bridge: s({ format: 'pve-bridge-id' }),
    firewall: b,
    gw: s({ format: 'ipv4' }),
    gw6: s({ format: 'ipv6' }),
    'host-managed': b,
    hwaddr: s({ format: 'mac-addr' }),
    ip: s({ format: 'pve-ipv4-config' }),
    ip6: s({ format: 'pve-ipv6-config' }),
    link_down: b,
    mtu: int({ minimum: 64, maximum: 65535 }),
    rate: { type: 'number', minimum: 0 },
    tag: int({ minimum: 1, maximum: 4094 }),
    trunks: s(),
    type: s({ enum: ['veth'] }),
  },
};
/** `rootfs` of a container. */
export const LXC_ROOTFS_FORMAT: PropertyStringFormat = {
  defaultKey: 'volume',
  required: ['volume'],
  keys: {
    volume: s({ format: 'pve-lxc-mp-string' }),
    acl: b,
    mountoptions: s(),
    quota: b,
    replicate: b,
    ro: b,
    shared: b,
    size,
  },
};
/** `mpN` of a container. */
export const LXC_MP_FORMAT: PropertyStringFormat = {
  defaultKey: 'volume',
  required: ['volume', 'mp'],
  keys: {
    ...(LXC_ROOTFS_FORMAT.keys as Record<string, PropertyKeySpec>),
    mp: s({ format: 'pve-lxc-mp-string' }),
    backup: b,
    keepattrs: b,
  },
};
/** `unusedN` of a container. */
export const LXC_UNUSED_FORMAT: PropertyStringFormat = {
  defaultKey: 'volume',
  required: ['volume'],
  keys: { volume: s({ format: 'pve-volume-id' }) },
};
/** `features` of a container. */
export const LXC_FEATURES_FORMAT: PropertyStringFormat = {
  keys: { force_rw_sys: b, fuse: b, keyctl: b, mknod: b, mount: s(), nesting: b },
};
/** `devN` of a container. */
export const LXC_DEV_FORMAT: PropertyStringFormat = {
  defaultKey: 'path',
  required: ['path'],
  keys: {
    path: s({ pattern: /\/dev\/.+/ }),
    'deny-write': b,
    gid: int({ minimum: 0 }),
    mode: s({ pattern: /0?[0-7]{3,4}/ }),
    uid: int({ minimum: 0 }),
  },
};
