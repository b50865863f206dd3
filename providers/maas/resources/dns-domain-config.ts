/**
 * `maas_dns_domain`: a MAAS DNS domain (`domains/`). Attributes, plan-time checks and
 * planning (pure).
 *
 * Shape (schemas/maas_dns_domain.schema.json):
 *   name: lab.home          # a DNS name (a trailing dot is dropped, as MAAS does)
 *   ttl: 300                # optional: 1 to 604800 seconds (src/maasserver/forms/domain.py)
 *   authoritative: true     # optional (MAAS default true)
 * The id is MAAS's domain id; everything changes in place (a rename renames the domain and
 * the fqdn of every device and record in it). Creating and changing domains needs an admin key.
 */
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import type { Attributes, Path, Value } from '../../../src/core/value.js';
import { isUnknownValue } from '../unknown-value.js';
import { domainNameProblem } from '../net/dns-name.js';

const MAX_DOMAIN_TTL = 604800;

function problem(path: Path, message: string): AttributeProblem {
  return { path, message, severity: 'error' };
}

function given(v: Value | undefined): v is Value {
  return v !== undefined && v !== null;
}

export function validateDnsDomainConfig(config: Attributes): AttributeProblem[] {
  const out: AttributeProblem[] = [];
  const name = config.name;
  if (!given(name)) out.push(problem(['name'], 'name is required'));
  else if (!isUnknownValue(name)) {
    const p = typeof name === 'string' ? domainNameProblem(name.replace(/\.$/, '')) : 'name must be a string';
    if (p) out.push(problem(['name'], `invalid domain name ${JSON.stringify(name)}: ${p}`));
  }
  const ttl = config.ttl;
  if (given(ttl) && !isUnknownValue(ttl) && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_DOMAIN_TTL)) {
    out.push(problem(['ttl'], `ttl must be a whole number of seconds from 1 to ${MAX_DOMAIN_TTL} (MAAS DomainForm)`));
  }
  const auth = config.authoritative;
  if (given(auth) && !isUnknownValue(auth) && typeof auth !== 'boolean')
    out.push(problem(['authoritative'], 'authoritative must be true or false'));
  return out;
}

export function planDnsDomain(prior: Attributes | null, config: Attributes): PlanResourceResponse {
  const planned: Attributes = {
    name: typeof config.name === 'string' ? config.name.replace(/\.$/, '') : (config.name ?? null),
    ttl: config.ttl ?? null,
    authoritative: given(config.authoritative) ? config.authoritative : (prior?.authoritative ?? true),
  };
  const notes: string[] = [];
  if (prior && typeof prior.name === 'string' && typeof planned.name === 'string' && prior.name !== planned.name) {
    notes.push(`renames the domain ${prior.name} to ${planned.name}: the fqdn of every device and record in it changes`);
  }
  return { planned, requiresReplace: [], notes, problems: [] };
}
