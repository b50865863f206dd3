/**
 * What `maas_tag` does against MAAS (`tags/`, src/maasserver/api/tags.py): create
 * (`POST tags/` then `op=update_nodes add=...`), read (the tag and `op=nodes`), update (`PUT`
 * of comment and kernel_opts, `update_nodes` with the nodes to add and remove), delete
 * (already gone is success), recover and import by name. Writing tags needs an admin key.
 */
import { ProviderError, type CreateResponse } from '../../../src/provider/contract.js';
import type { Attributes, Value } from '../../../src/core/value.js';
import { isMaasNotFound } from '../client/maas-api-error.js';
import type { MaasApi } from '../client/maas-api.js';
import type { MaasNode } from '../client/maas-types.js';
import { needsAdmin } from './admin-refusal.js';
import type { OperationContext } from './operation-context.js';

interface MaasTag {
  name: string;
  comment: string;
  definition: string;
  kernel_opts: string;
}

function path(name: string): string {
  return `tags/${encodeURIComponent(name)}/`;
}

async function getTag(api: MaasApi, name: string, signal?: AbortSignal): Promise<MaasTag | null> {
  try {
    return await api.http.get<MaasTag>(path(name), { signal });
  } catch (err) {
    if (isMaasNotFound(err)) return null;
    throw err;
  }
}

async function taggedNodes(api: MaasApi, name: string, signal?: AbortSignal): Promise<string[]> {
  const nodes = await api.http.get<MaasNode[]>(path(name), { op: 'nodes', signal });
  return nodes.map((n) => n.system_id);
}

function stringList(v: Value | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The tagged nodes in the hints' order, then the others. */
function mirrorNodes(actual: string[], hints: Attributes | null): string[] {
  const wanted = stringList(hints?.nodes);
  return [...wanted.filter((n) => actual.includes(n)), ...actual.filter((n) => !wanted.includes(n)).sort()];
}

function stateOf(tag: MaasTag, nodes: string[], hints: Attributes | null): Attributes {
  return { name: tag.name, comment: tag.comment, kernel_opts: tag.kernel_opts, nodes: mirrorNodes(nodes, hints) };
}

export async function readTag(ctx: OperationContext, id: string, hints: Attributes | null): Promise<Attributes | null> {
  const tag = await getTag(ctx.api, id, ctx.signal);
  return tag ? stateOf(tag, await taggedNodes(ctx.api, id, ctx.signal), hints) : null;
}

async function setNodes(ctx: OperationContext, name: string, current: string[], wanted: string[]): Promise<void> {
  const add = wanted.filter((n) => !current.includes(n));
  const remove = current.filter((n) => !wanted.includes(n));
  if (!add.length && !remove.length) return;
  ctx.progress?.(`tag ${name}: ${[...add.map((n) => `+${n}`), ...remove.map((n) => `-${n}`)].join(' ')}`);
  await needsAdmin(
    `change the nodes of tag ${name}`,
    ctx.api.http.post(path(name), { op: 'update_nodes', form: { add, remove }, signal: ctx.signal }),
  );
}

async function mustRead(ctx: OperationContext, name: string, planned: Attributes): Promise<Attributes> {
  const state = await readTag(ctx, name, planned);
  if (!state) throw new ProviderError(`MAAS tag ${name} disappeared right after it was written`);
  return state;
}

export async function createTag(ctx: OperationContext, planned: Attributes): Promise<CreateResponse> {
  const name = String(planned.name);
  const comment = typeof planned.comment === 'string' ? planned.comment : '';
  const kernelOpts = typeof planned.kernel_opts === 'string' ? planned.kernel_opts : '';
  const existing = await getTag(ctx.api, name, ctx.signal);
  if (existing) {
    if (existing.comment !== comment || existing.kernel_opts !== kernelOpts || existing.definition !== '') {
      throw new ProviderError(`MAAS already has a tag ${name}; import it with \`hl import <address> ${name}\` or remove it first`);
    }
  } else {
    ctx.progress?.(`creating MAAS tag ${name}`);
    await needsAdmin(
      `create tag ${name}`,
      ctx.api.http.post('tags/', { form: { name, comment, kernel_opts: kernelOpts }, signal: ctx.signal }),
    );
  }
  await setNodes(ctx, name, existing ? await taggedNodes(ctx.api, name, ctx.signal) : [], stringList(planned.nodes));
  return { id: name, state: await mustRead(ctx, name, planned) };
}

export async function updateTag(ctx: OperationContext, id: string, prior: Attributes, planned: Attributes): Promise<Attributes> {
  const fields: Record<string, string> = {};
  if (planned.comment !== prior.comment && typeof planned.comment === 'string') fields.comment = planned.comment;
  if (planned.kernel_opts !== prior.kernel_opts && typeof planned.kernel_opts === 'string') fields.kernel_opts = planned.kernel_opts;
  if (Object.keys(fields).length) {
    ctx.progress?.(`updating MAAS tag ${id}: ${Object.keys(fields).join(', ')}`);
    await needsAdmin(`update tag ${id}`, ctx.api.http.put(path(id), { form: fields, signal: ctx.signal }));
  }
  await setNodes(ctx, id, await taggedNodes(ctx.api, id, ctx.signal), stringList(planned.nodes));
  return mustRead(ctx, id, planned);
}

export async function deleteTag(ctx: OperationContext, id: string): Promise<void> {
  ctx.progress?.(`deleting MAAS tag ${id}`);
  try {
    await ctx.api.http.delete(path(id), { signal: ctx.signal });
  } catch (err) {
    if (!isMaasNotFound(err)) throw err;
  }
}

export async function recoverTag(ctx: OperationContext, planned: Attributes): Promise<CreateResponse | null> {
  if (typeof planned.name !== 'string') return null;
  const state = await readTag(ctx, planned.name, planned);
  return state ? { id: planned.name, state } : null;
}

export async function importTag(ctx: OperationContext, id: string): Promise<{ id: string; state: Attributes } | null> {
  const state = await readTag(ctx, id.trim(), null);
  return state ? { id: id.trim(), state } : null;
}
