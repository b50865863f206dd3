/**
 * hl's marker in the descriptions it writes: the last line of a holder guest's description (a
 * disk or an image) or of a PVE snapshot's description, e.g.
 *
 *     [hl-crucible] kind=disk; serial=3f9a2c1b7d04e5f6a7b8; name=k3s-data; block_size=512; read_only=0; source=blank
 *
 * It carries what Proxmox does not keep itself: the serial that is the resource's identity
 * (written before the create, so an interrupted create can be recognised), the Oxide name, the
 * creation-time facts (source, block size, read-only, consistency) and, for a disk deleted
 * while snapshots still need its volume, `state=destroyed` (a tombstone). Values never hold
 * `;`, `%` or line breaks (the schemas forbid them where a user chooses the value), so they are
 * written as they are: PVE %-decodes description text, which would garble an encoding. The
 * user's description is everything before the marker line. Splitting and joining are the PVE
 * platform's marker codec (providers/pve/description-marker.ts). Pure.
 */
import { appendMarkerLine, findMarkerLine, trimDescription } from '../../pve/description-marker.js';

export type MarkerKind = 'disk' | 'image' | 'snapshot';

export interface Marker {
  kind: MarkerKind;
  fields: Record<string, string>;
}

const PREFIX = '[hl-crucible]';
const LINE_RE = /(?:^|\n)[ \t]*\[hl-crucible\] ([^\n]*?)[ \t]*\s*$/;

export function formatMarker(m: Marker): string {
  const parts = [`kind=${m.kind}`, ...Object.entries(m.fields).map(([k, v]) => `${k}=${v.replace(/[;%\n\r]/g, ' ')}`)];
  return `${PREFIX} ${parts.join('; ')}`;
}

/** The user's text and hl's marker of a description (no marker: not one of hl's). */
export function splitMarker(description: string | undefined): { text: string; marker?: Marker } {
  const d = (description ?? '').replace(/\r\n/g, '\n');
  const found = findMarkerLine(d, LINE_RE);
  if (!found) return { text: trimDescription(d) };
  const fields: Record<string, string> = {};
  let kind: string | undefined;
  for (const part of found.match[1]!.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'kind') kind = value;
    else fields[key] = value;
  }
  if (kind !== 'disk' && kind !== 'image' && kind !== 'snapshot') return { text: trimDescription(d) };
  return { text: found.text, marker: { kind, fields } };
}

/** The description to write: the user's text, a blank line, the marker. */
export function joinMarker(text: string, marker: Marker): string {
  return appendMarkerLine(trimDescription(text), formatMarker(marker));
}
