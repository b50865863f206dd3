/**
 * DNS name rules as MAAS applies them (maascommon.utils.dns: validate_hostname and
 * validate_domain_name), returning MAAS's own messages so that a plan-time error reads the
 * same as the error MAAS would give at apply.
 */

const LABEL_CHARS = /^[a-zA-Z0-9-]*$/;

/** MAAS's message for an invalid domain name, or undefined when it is valid. */
export function domainNameProblem(name: string): string | undefined {
  if (name.length > 255) return 'Hostname is too long.  Maximum allowed is 255 characters.';
  for (const label of name.split('.')) {
    if (label.length === 0) return 'DNS name contains an empty label.';
    if (label.length > 63) return `Label is too long: '${label}'.  Maximum allowed is 63 characters.`;
    if (label.startsWith('-') || label.endsWith('-')) return `Label cannot start or end with hyphen: '${label}'.`;
    if (!LABEL_CHARS.test(label)) return `Label contains disallowed characters: '${label}'.`;
  }
  return undefined;
}

/** MAAS's message for an invalid hostname (which may include a domain), or undefined. */
export function hostnameProblem(hostname: string): string | undefined {
  if (hostname.length > 255) return 'Hostname is too long.  Maximum allowed is 255 characters.';
  const host = hostname.split('.')[0]!;
  if (host.includes('_')) return `Host label cannot contain underscore: '${host}'.`;
  return domainNameProblem(hostname);
}

/**
 * A DNS record name (the part left of the domain): like a hostname, but underscores are
 * allowed (`_acme-challenge`, `_dmarc`), as MAAS allows them in DNS resource names.
 */
export function recordNameProblem(name: string): string | undefined {
  if (name === '@') return undefined;
  return domainNameProblem(name.replace(/_/g, 'u'));
}
