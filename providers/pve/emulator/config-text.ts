/**
 * PVE guest config files (`/etc/pve/qemu-server/<vmid>.conf`, `/etc/pve/lxc/<vmid>.conf`):
 * `key: value` lines sorted by key, the description as leading `#` lines (non-printable
 * characters %-escaped), then the pending section (`[PENDING]` for VMs, `[pve:pending]` for
 * containers, with a `delete:` line listing pending deletions, `!` marking forced ones),
 * `[special:...]` sections and one `[snapname]` section per snapshot. The API's `digest` is the
 * SHA-1 hex of the raw file text. qemu-server trims trailing whitespace from descriptions;
 * pve-container keeps the newline of the last `#` line.
 */
import { createHash } from 'node:crypto';

/** One section: key → raw value. The description is kept under `description`. */
export type ConfigSection = Record<string, string>;

export interface GuestConfigFile {
  main: ConfigSection;
  /** Pending values; `delete` holds the pending deletions (`key1,!key2`). */
  pending: ConfigSection;
  snapshots: Record<string, ConfigSection>;
  /** `[special:cloudinit]` and the like, keyed by the part after `special:`. */
  special: Record<string, ConfigSection>;
}

export function emptyConfig(): GuestConfigFile {
  return { main: {}, pending: {}, snapshots: {}, special: {} };
}

export function configDigest(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

function encodeText(line: string): string {
  let out = '';
  for (const ch of line) {
    const code = ch.codePointAt(0) as number;
    if (code >= 0x20 && code <= 0x7e) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decodeText(text: string): string {
  try {
    return decodeURIComponent(text.replace(/%(?![0-9a-fA-F]{2})/g, '%25'));
  } catch {
    return text;
  }
}

const SECTION_RE = /^\[([^\]]+)\]\s*$/;
const KEY_RE = /^([a-z][a-z0-9_\-.]*):\s*(.*?)\s*$/i;

/** Whose file format: VMs and containers differ in the pending header and description trimming. */
export type ConfigStyle = 'qemu' | 'lxc';

/** Parses config text. Unparseable lines are ignored (PVE warns and skips them). */
export function parseConfigText(text: string, style: ConfigStyle = 'qemu'): GuestConfigFile {
  const cfg = emptyConfig();
  let section: ConfigSection = cfg.main;
  let descr: string | undefined;
  const flushDescr = (): void => {
    if (descr !== undefined) section.description = style === 'qemu' ? descr.replace(/\s+$/, '') : descr;
    descr = undefined;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const sec = SECTION_RE.exec(line);
    if (sec) {
      flushDescr();
      const name = sec[1] as string;
      if (name === 'PENDING' || name.toLowerCase() === 'pve:pending') section = cfg.pending;
      else if (name.startsWith('special:')) section = cfg.special[name.slice(8)] = {};
      else section = cfg.snapshots[name] = {};
      continue;
    }
    if (line.startsWith('#')) {
      descr = (descr ?? '') + decodeText(line.slice(1)) + '\n';
      continue;
    }
    const kv = KEY_RE.exec(line);
    if (!kv) continue;
    flushDescr();
    section[kv[1] as string] = kv[2] as string;
  }
  flushDescr();
  return cfg;
}

function formatSection(section: ConfigSection): string {
  let raw = '';
  const descr = section.description;
  if (descr !== undefined) {
    if (descr === '') raw += '#\n';
    else for (const line of descr.replace(/\n$/, '').split('\n')) raw += `#${encodeText(line)}\n`;
  }
  for (const key of Object.keys(section).sort()) {
    if (key === 'description' || key === 'digest') continue;
    raw += `${key}: ${section[key]}\n`;
  }
  return raw;
}

/** Serializes a config as PVE writes it. */
export function formatConfigText(cfg: GuestConfigFile, style: ConfigStyle = 'qemu'): string {
  let raw = formatSection(cfg.main);
  const pendingHeader = style === 'qemu' ? '[PENDING]' : '[pve:pending]';
  if (Object.keys(cfg.pending).length) raw += `\n${pendingHeader}\n${formatSection(cfg.pending)}`;
  for (const name of Object.keys(cfg.special).sort()) {
    const sec = cfg.special[name] as ConfigSection;
    if (Object.keys(sec).length) raw += `\n[special:${name}]\n${formatSection(sec)}`;
  }
  for (const name of Object.keys(cfg.snapshots).sort()) {
    raw += `\n[${name}]\n${formatSection(cfg.snapshots[name] as ConfigSection)}`;
  }
  return raw;
}

/** Pending deletions: key → forced. */
export function parsePendingDelete(value: string | undefined): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const part of (value ?? '').split(/[,;\s]+/)) {
    if (!part) continue;
    if (part.startsWith('!')) out.set(part.slice(1), true);
    else out.set(part, false);
  }
  return out;
}

export function formatPendingDelete(map: Map<string, boolean>): string | undefined {
  if (!map.size) return undefined;
  return [...map.entries()].map(([k, force]) => (force ? `!${k}` : k)).join(',');
}

/**
 * The config as GET config answers it: pending values applied and pending deletions removed,
 * unless `current`.
 */
export function effectiveConfig(cfg: GuestConfigFile, current: boolean): ConfigSection {
  const out: ConfigSection = { ...cfg.main };
  if (current) return out;
  const deletes = parsePendingDelete(cfg.pending.delete);
  for (const key of deletes.keys()) delete out[key];
  for (const [k, v] of Object.entries(cfg.pending)) if (k !== 'delete') out[k] = v;
  return out;
}
