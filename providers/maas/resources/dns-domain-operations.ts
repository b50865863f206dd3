/**
 * What `maas_dns_domain` does against MAAS (`domains/`, src/maasserver/api/domains.py with
 * forms/domain.py): create (an existing domain of the same name is adopted when its ttl and
 * authority match, else refused with an import hint), read, update (`PUT` name, ttl,
 * authoritative), delete, recover and import by name or id. MAAS refuses to delete the
 * default domain and any domain still holding nodes or DNS resources (Node.domain and
 * DNSResource.domain are protected foreign keys, which MAAS answers with a 500): both are
 * checked first and reported in words.
 */
import { ProviderError, type CreateResponse } from '../../../src/provider/contract.js';
import type { Attributes } from '../../../src/core/value.js';
import { isMaasNotFound } from '../client/maas-api-error.js';
import type { MaasDomain } from '../client/maas-types.js';
import { needsAdmin } from './admin-refusal.js';
import type { OperationContext } from './operation-context.js';

function stateOf(d: MaasDomain): Attributes {
  return { name: d.name, ttl: d.ttl, authoritative: d.authoritative };
}

async function getDomain(ctx: OperationContext, id: string): Promise<MaasDomain | null> {
  try {
    return await ctx.api.http.get<MaasDomain>(`domains/${encodeURIComponent(id)}/`, { signal: ctx.signal });
  } catch (err) {
    if (isMaasNotFound(err)) return null;
    throw err;
  }
}

function form(planned: Attributes): Record<string, string | boolean> {
  return {
    name: String(planned.name),
    // an empty ttl clears it (DomainForm keeps ttl=None)
    ttl: typeof planned.ttl === 'number' ? String(planned.ttl) : '',
    authoritative: planned.authoritative !== false,
  };
}

export async function readDnsDomain(ctx: OperationContext, id: string): Promise<Attributes | null> {
  const d = await getDomain(ctx, id);
  return d ? stateOf(d) : null;
}

export async function createDnsDomain(ctx: OperationContext, planned: Attributes): Promise<CreateResponse> {
  const name = String(planned.name);
  const existing = (await ctx.api.listDomains(ctx.signal)).find((d) => d.name === name);
  if (existing) {
    const same = existing.ttl === (planned.ttl ?? null) && existing.authoritative === (planned.authoritative !== false);
    if (!same)
      throw new ProviderError(`MAAS already has a domain ${name} (id ${existing.id}); import it with \`hl import <address> ${name}\``);
    return { id: String(existing.id), state: stateOf(existing) };
  }
  ctx.progress?.(`creating MAAS domain ${name}`);
  const made = await needsAdmin(
    `create domain ${name}`,
    ctx.api.http.post<MaasDomain>('domains/', { form: form(planned), signal: ctx.signal }),
  );
  return { id: String(made.id), state: stateOf(made) };
}

export async function updateDnsDomain(ctx: OperationContext, id: string, planned: Attributes): Promise<Attributes> {
  ctx.progress?.(`updating MAAS domain ${String(planned.name)}`);
  const put = ctx.api.http.put<MaasDomain>(`domains/${encodeURIComponent(id)}/`, { form: form(planned), signal: ctx.signal });
  return stateOf(await needsAdmin(`update domain ${String(planned.name)}`, put));
}

export async function deleteDnsDomain(ctx: OperationContext, id: string): Promise<void> {
  const d = await getDomain(ctx, id);
  if (!d) return;
  if (d.is_default)
    throw new ProviderError(
      `maas_dns_domain ${d.name} is MAAS's default domain, which MAAS cannot delete; make another domain the default first`,
    );
  const [nodes, resources] = await Promise.all([
    ctx.api.listNodes({ domain: d.name }, ctx.signal),
    ctx.api.listDnsResources({ domain: d.name }, ctx.signal),
  ]);
  const records = (resources ?? []).filter((r) => r.id >= 0);
  if (nodes.length || records.length) {
    const what = [
      ...(nodes.length
        ? [
            `${nodes.length} node(s) (${nodes
              .map((n) => n.hostname)
              .slice(0, 5)
              .join(', ')})`,
          ]
        : []),
      ...(records.length
        ? [
            `${records.length} DNS record(s) (${records
              .map((r) => r.fqdn)
              .slice(0, 5)
              .join(', ')})`,
          ]
        : []),
    ];
    throw new ProviderError(`maas_dns_domain ${d.name} cannot be deleted while it holds ${what.join(' and ')}: move or delete them first`);
  }
  ctx.progress?.(`deleting MAAS domain ${d.name}`);
  try {
    await ctx.api.http.delete(`domains/${d.id}/`, { signal: ctx.signal });
  } catch (err) {
    if (!isMaasNotFound(err)) throw err;
  }
}

export async function recoverDnsDomain(ctx: OperationContext, planned: Attributes): Promise<CreateResponse | null> {
  const d = (await ctx.api.listDomains(ctx.signal)).find((x) => x.name === planned.name);
  return d ? { id: String(d.id), state: stateOf(d) } : null;
}

export async function importDnsDomain(ctx: OperationContext, id: string): Promise<{ id: string; state: Attributes } | null> {
  const text = id.trim().replace(/\.$/, '');
  const d = (await ctx.api.listDomains(ctx.signal)).find((x) => x.name === text || String(x.id) === text);
  return d ? { id: String(d.id), state: stateOf(d) } : null;
}
