/**
 * `tags/` and `tags/{name}/` (src/maasserver/api/tags.py, TagsHandler and TagHandler; the
 * form is forms/__init__.py TagForm over models/tag.py):
 * - create: name required, `^[a-zA-Z0-9_-]+$` (Django RegexValidator: "Enter a valid value."),
 *   at most 256 characters, unique ("Tag with this Name already exists."); comment,
 *   definition, kernel_opts optional;
 * - update (PUT): fields left out keep their value (forms APIEditMixin); a new name renames;
 * - op=update_nodes: `add` / `remove` system_ids of any node type (the tag's node_set is
 *   Node's, so devices and controllers can carry it); unknown ids are skipped and the answer
 *   counts what was found: `{"added": n, "removed": m}`; a `definition` that differs from the
 *   tag's answers 409 "Definition supplied '...' doesn't match current definition '...'";
 * - op=nodes / op=devices: the tagged nodes;
 * - an unknown tag: 404 "No Tag matches the given query.".
 * Admin checks are router.ts's. An XPath definition is stored but not evaluated (the emulator
 * has no hardware details to match it against).
 */
import type { Handler, HandlerContext } from '../handler-context.js';
import { renderNode } from '../maas-render.js';
import { API_PREFIX, REQUIRED, apiException, deleted, formValue, json, notFound, validationErrors } from '../maas-responses.js';
import { nextId, type WorldTag } from '../world.js';

const TAG_NAME = /^[a-zA-Z0-9_-]+$/;

export function renderTag(t: WorldTag): Record<string, unknown> {
  return {
    name: t.name,
    definition: t.definition,
    comment: t.comment,
    kernel_opts: t.kernel_opts,
    resource_uri: `${API_PREFIX}tags/${encodeURIComponent(t.name)}/`,
  };
}

function tagOf(ctx: HandlerContext): WorldTag | undefined {
  const name = decodeURIComponent(ctx.params[0]!);
  return ctx.world.tags.find((t) => t.name === name);
}

/** TagForm's checks; `self` is the tag being updated. */
function checkName(ctx: HandlerContext, name: string | undefined, self: WorldTag | undefined, errors: Record<string, string[]>): void {
  if (name === undefined || name === '') {
    if (!self) errors.name = [REQUIRED];
    return;
  }
  if (name.length > 256) errors.name = [`Ensure this value has at most 256 characters (it has ${name.length}).`];
  else if (!TAG_NAME.test(name)) errors.name = ['Enter a valid value.'];
  else if (ctx.world.tags.some((t) => t.name === name && t !== self)) errors.name = ['Tag with this Name already exists.'];
}

const listTags: Handler = (ctx) => json(ctx.world.tags.map(renderTag));

const createTag: Handler = (ctx) => {
  const f = ctx.req.form;
  const errors: Record<string, string[]> = {};
  const name = formValue(f, 'name');
  checkName(ctx, name, undefined, errors);
  if (Object.keys(errors).length) return validationErrors(errors);
  const tag: WorldTag = {
    id: nextId(ctx.world, 'tag'),
    name: name!,
    comment: formValue(f, 'comment') ?? '',
    definition: formValue(f, 'definition') ?? '',
    kernel_opts: formValue(f, 'kernel_opts') ?? '',
  };
  ctx.world.tags.push(tag);
  ctx.changed();
  return json(renderTag(tag));
};

const readTag: Handler = (ctx) => {
  const tag = tagOf(ctx);
  return tag ? json(renderTag(tag)) : notFound('Tag');
};

const updateTag: Handler = (ctx) => {
  const tag = tagOf(ctx);
  if (!tag) return notFound('Tag');
  const f = ctx.req.form;
  const errors: Record<string, string[]> = {};
  const name = formValue(f, 'name');
  checkName(ctx, name, tag, errors);
  if (Object.keys(errors).length) return validationErrors(errors);
  if (name !== undefined && name !== '' && name !== tag.name) {
    for (const node of ctx.world.nodes) node.tag_names = node.tag_names.map((t) => (t === tag.name ? name : t));
    tag.name = name;
  }
  for (const key of ['comment', 'definition', 'kernel_opts'] as const) {
    const v = formValue(f, key);
    if (v !== undefined) tag[key] = v;
  }
  ctx.changed();
  return json(renderTag(tag));
};

const deleteTag: Handler = (ctx) => {
  const tag = tagOf(ctx);
  if (!tag) return notFound('Tag');
  ctx.world.tags = ctx.world.tags.filter((t) => t !== tag);
  for (const node of ctx.world.nodes) node.tag_names = node.tag_names.filter((t) => t !== tag.name);
  ctx.changed();
  return deleted();
};

const updateNodes: Handler = (ctx) => {
  const tag = tagOf(ctx);
  if (!tag) return notFound('Tag');
  const f = ctx.req.form;
  const definition = formValue(f, 'definition');
  if (definition !== undefined && definition !== tag.definition) {
    return apiException(409, `Definition supplied '${definition}' doesn't match current definition '${tag.definition}'`);
  }
  const add = ctx.world.nodes.filter((n) => f.getAll('add').includes(n.system_id));
  const remove = ctx.world.nodes.filter((n) => f.getAll('remove').includes(n.system_id));
  for (const n of add) if (!n.tag_names.includes(tag.name)) n.tag_names = [...n.tag_names, tag.name];
  for (const n of remove) n.tag_names = n.tag_names.filter((t) => t !== tag.name);
  ctx.changed();
  return json({ added: add.length, removed: remove.length });
};

function taggedNodes(devicesOnly: boolean): Handler {
  return (ctx) => {
    const tag = tagOf(ctx);
    if (!tag) return notFound('Tag');
    const nodes = ctx.world.nodes.filter((n) => n.tag_names.includes(tag.name) && (!devicesOnly || n.node_type === 1));
    return json(nodes.map((n) => renderNode(ctx.world, n)));
  };
}

export const tagRoutes = {
  tags: { GET: listTags, POST: createTag },
  tag: {
    GET: readTag,
    PUT: updateTag,
    DELETE: deleteTag,
    'POST update_nodes': updateNodes,
    'GET nodes': taggedNodes(false),
    'GET devices': taggedNodes(true),
  },
} satisfies Record<string, Record<string, Handler>>;
