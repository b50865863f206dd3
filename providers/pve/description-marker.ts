/**
 * The one codec of hl's markers in PVE descriptions (a guest's Notes, a snapshot's
 * description): a marker is the last line of the description, after the user's text and a
 * blank line. Each kind of marker brings the pattern and the format of its line (the proxmox
 * provider's create marker, providers/proxmox/mapping/hl-marker.ts; crucible's holder
 * marker, providers/crucible/model/holder-marker.ts); this splits a description into the
 * user's text and the marker line, and joins them again. Pure.
 */

/** A description's text without trailing white space (PVE keeps none). */
export function trimDescription(text: string): string {
  return text.replace(/\s+$/, '');
}

/**
 * The marker line `lineRe` (anchored at the end of the description) finds, and the user's text
 * before it; undefined when the description has no such line.
 */
export function findMarkerLine(description: string, lineRe: RegExp): { text: string; match: RegExpExecArray } | undefined {
  const match = lineRe.exec(description);
  return match ? { text: trimDescription(description.slice(0, match.index)), match } : undefined;
}

/** The description to write: the user's text, a blank line, the marker line (no text: the line alone). */
export function appendMarkerLine(text: string | null, line: string): string {
  return text ? `${text}\n\n${line}` : line;
}
