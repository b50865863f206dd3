/**
 * MAC addresses as MAAS accepts them (`maasserver.fields.MAC_RE`: six groups of one or two hex
 * digits separated by `:` or `-`, or twelve bare hex digits) and stores them (lowercase,
 * colon-separated, two digits per group).
 */

const MAC_GROUPS_RE =
  /^([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})$/;
const MAC_BARE_RE = /^[0-9a-fA-F]{12}$/;

/** The canonical form (`bc:24:11:0a:0b:0c`), or undefined when the text is not a MAC address. */
export function normalizeMac(text: string): string | undefined {
  const t = text.trim();
  const m = MAC_GROUPS_RE.exec(t);
  if (m)
    return m
      .slice(1, 7)
      .map((g) => g.padStart(2, '0').toLowerCase())
      .join(':');
  if (MAC_BARE_RE.test(t)) return (t.toLowerCase().match(/../g) ?? []).join(':');
  return undefined;
}

export function isMac(text: string): boolean {
  return normalizeMac(text) !== undefined;
}

/** True when both texts are MAC addresses naming the same address. */
export function sameMac(a: string, b: string): boolean {
  const x = normalizeMac(a);
  return x !== undefined && x === normalizeMac(b);
}
