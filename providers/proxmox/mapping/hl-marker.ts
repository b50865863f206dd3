/**
 * hl's marker on the guests it creates: a last line of the guest's description (the Notes
 * panel of the PVE UI), e.g.
 *
 *     Managed by hl (create 3f9a2c1b7d04; ostemplate=local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst).
 *     Managed by hl (create 5abebd39e81c; clone=ubuntu-24.04-cloudinit; full=1).
 *
 * - The token is the one `reserve` drew and the engine journaled before the create. The
 *   create and clone requests carry the marker themselves (both accept `description`), so a
 *   guest made by an interrupted create can be told apart from one someone else made with the
 *   same VMID: `recover`, and a create that finds its VMID taken, adopt the guest only when
 *   the token matches.
 * - The facts after the token are the creation-time inputs PVE does not keep (an LXC's
 *   template, a VM's clone source), so that importing or refreshing a guest hl created gets
 *   them back instead of planning a replacement.
 * The `description` attribute never shows the line; updates of the description keep it.
 * Splitting and joining are the PVE platform's marker codec (providers/pve/description-marker.ts).
 */
import { randomBytes } from 'node:crypto';
import { appendMarkerLine, findMarkerLine, trimDescription } from '../../pve/description-marker.js';

export interface Marker {
  token: string;
  facts: Record<string, string>;
}

const LINE_RE = /(?:^|\n)[ \t]*(Managed by hl \(create ([0-9a-f]{8,32})((?:; [a-z_]+=[^;\n)]*)*)\)\.?)[ \t]*\s*$/;

export function newCreateToken(): string {
  return randomBytes(6).toString('hex');
}

function escapeFact(v: string): string {
  return v.replace(/[%;)\n]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function unescapeFact(v: string): string {
  return v.replace(/%([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export function formatMarker(m: Marker): string {
  const facts = Object.entries(m.facts)
    .map(([k, v]) => `; ${k}=${escapeFact(v)}`)
    .join('');
  return `Managed by hl (create ${m.token}${facts}).`;
}

/** The user's part of a description, and hl's marker (with its line as written), if any. */
export function splitMarker(description: string | undefined): { text: string | null; marker?: Marker; line?: string } {
  if (description === undefined) return { text: null };
  const found = findMarkerLine(description, LINE_RE);
  if (!found) {
    const t = trimDescription(description);
    return { text: t === '' ? null : t };
  }
  const m = found.match;
  const facts: Record<string, string> = {};
  for (const part of (m[3] ?? '').split('; ').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    if (eq > 0) facts[part.slice(0, eq)] = unescapeFact(part.slice(eq + 1));
  }
  const t = found.text;
  return { text: t === '' ? null : t, marker: { token: m[2]!, facts }, line: m[1]! };
}

/** The description text to write: the user's text with the marker line kept at the end. */
export function withMarker(text: string | null, line: string | undefined): string {
  if (!line) return text ?? '';
  return appendMarkerLine(text, line);
}
