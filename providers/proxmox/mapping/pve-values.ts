/**
 * Conversions between PVE config values (always text once read) and hl attribute values, and
 * the canonical forms both sides are compared in: sizes in the largest exact unit, booleans as
 * booleans whatever PVE word spelled them, tags as a sorted set (see pve-tags.ts for the
 * cluster's spelling), MACs in upper case, DNS lists joined by spaces.
 */
import { isUnknown, type Value } from '../../../src/core/value.js';
import { formatSize, parseBoolean, tryParseSize } from '../../pve/property-string.js';

/** A guest config as read: every value as text (the PVE platform's guest API reads it). */
export type { PveConfig } from '../../pve/guest-api.js';

export function boolOf(text: string | undefined, dflt: boolean): boolean {
  if (text === undefined) return dflt;
  return parseBoolean(text) ?? dflt;
}

export function intOf(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

export function strOf(text: string | undefined): string | null {
  return text === undefined || text === '' ? null : text;
}

/** `32768M` → `32G`; unparsable text is kept as written (validation reports it). */
export function canonSize(v: Value): Value {
  if (typeof v === 'number') return formatSize(v);
  if (typeof v !== 'string') return v;
  const n = tryParseSize(v);
  return n === undefined ? v : formatSize(n);
}

export function sizeBytes(v: Value | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  return tryParseSize(v);
}

/** A size as PVE's new-volume syntax wants it: GiB, possibly fractional (`0.5`). */
export function sizeGiB(v: Value | undefined): string | undefined {
  const b = sizeBytes(v);
  if (b === undefined) return undefined;
  const g = b / 1024 ** 3;
  return String(Math.round(g * 1e6) / 1e6);
}

export function parseTags(text: string | undefined): string[] {
  return canonTagList((text ?? '').split(/[;,\s]+/));
}

function canonTagList(list: string[]): string[] {
  return [...new Set(list.map((t) => t.trim()).filter((t) => t !== ''))].sort();
}

export function canonTags(v: Value): Value {
  if (isUnknown(v) || !Array.isArray(v)) return v;
  if (v.some(isUnknown)) return v;
  return canonTagList(v.filter((t): t is string => typeof t === 'string'));
}

export function formatTags(list: readonly string[]): string {
  return list.join(';');
}

/**
 * A list PVE keeps joined by single spaces (a container's `nameserver`, `searchdomain`:
 * pve-container `src/PVE/LXC.pm` verify_nameserver_list), written with `,`, `;` or spaces.
 */
export function canonSpaceList(v: Value): Value {
  if (typeof v !== 'string') return v;
  const list = v.split(/[,;\s]+/).filter((x) => x !== '');
  return list.length > 0 ? list.join(' ') : null;
}

export function sameSpaceList(a: string, b: string): boolean {
  return canonSpaceList(a) === canonSpaceList(b);
}

export function canonMac(v: Value): Value {
  return typeof v === 'string' ? v.trim().toUpperCase() : v;
}

/** Description as PVE keeps it: trailing white space dropped; empty means none. */
export function canonDescription(v: Value): Value {
  if (typeof v !== 'string') return v;
  const t = v.replace(/\s+$/, '');
  return t === '' ? null : t;
}

/** A list of strings with blanks dropped, order kept (ssh keys). */
export function canonStringList(v: Value): Value {
  if (!Array.isArray(v) || v.some(isUnknown)) return v;
  return v
    .filter((x): x is string => typeof x === 'string')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/** A pool name; the empty string means "in no pool" (null: a config value cannot be null). */
export function canonPool(v: Value): Value {
  return v === '' ? null : v;
}

/** `local-lvm:vm-101-disk-0` → `local-lvm`. */
export function storageOfVolume(volid: string | undefined): string | null {
  if (!volid) return null;
  const i = volid.indexOf(':');
  return i > 0 ? volid.slice(0, i) : null;
}

/** True for a boolean attribute: `1`; false: `0`. */
export function pveBool(b: boolean): string {
  return b ? '1' : '0';
}
