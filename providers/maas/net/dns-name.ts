/**
 * DNS name rules as MAAS applies them (maascommon.utils.dns: validate_hostname and
 * validate_domain_name; maasserver/models/dnsresource.py: validate_dnsresource_name),
 * returning MAAS's own messages so that a plan-time error reads the same as the error MAAS
 * would give at apply.
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

/** maasserver/models/dnsresource.py LABEL: one DNS label, no underscore. */
const DNSRESOURCE_LABEL = /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,62}[a-zA-Z0-9])?$/;
/** models/dnsresource.py SPECIAL_NAMES, accepted as they are. */
const SPECIAL_NAMES = ['', '@', '*'];

/**
 * MAAS's message for the name of a DNS resource that holds addresses (A/AAAA), or undefined:
 * models/dnsresource.py validate_dnsresource_name with rrtype "A", which DNSResourceForm.clean
 * applies whenever `ip_addresses` is sent. One label of letters, digits and inner hyphens, or
 * `@` or `*`: no underscore, no dot.
 */
export function addressRecordNameProblem(name: string): string | undefined {
  if (SPECIAL_NAMES.includes(name) || DNSRESOURCE_LABEL.test(name)) return undefined;
  return `Invalid dnsresource name: ${name}.`;
}

/** DNSResource.name is a CharField(max_length=191) (models/dnsresource.py). */
const MAX_RESOURCE_NAME = 191;

/**
 * The name of a CNAME or TXT record (the part left of the domain). MAAS does not validate it
 * (DNSResourceForm checks the name only with `ip_addresses`; the database refuses more than
 * 191 characters), but BIND must load the zone MAAS writes, so hl asks for DNS labels:
 * underscores allowed (`_acme-challenge`, `_dmarc`), several labels allowed, `@` and `*`.
 */
export function recordNameProblem(name: string): string | undefined {
  if (name === '@' || name === '*') return undefined;
  if (name.length > MAX_RESOURCE_NAME) return `Name is too long: MAAS keeps at most ${MAX_RESOURCE_NAME} characters.`;
  return domainNameProblem(name.replace(/^\*\./, '').replace(/_/g, 'u'));
}
