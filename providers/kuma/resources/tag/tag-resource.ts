/**
 * The `kuma_tag` resource: a named, coloured tag (`getTags`, `addTag`, `editTag`,
 * `deleteTag`). Monitors refer to tags by name. Tags are global to a Kuma instance; a second
 * tag with an existing name is refused so names stay unambiguous.
 */
import { isUnknown, UNKNOWN, type Attributes, type Value } from '../../../../src/core/value.js';
import {
  ProviderError,
  type AttributeProblem,
  type CreateResponse,
  type PlanResourceRequest,
  type PlanResourceResponse,
  type ResourceTypeSchema,
} from '../../../../src/provider/contract.js';
import type { KumaSession } from '../../connection/kuma-session.js';
import { kumaJsonSchemas } from '../../kuma-json-schemas.js';
import { ambiguousName, numericId, parseImportId, type KumaResource } from '../kuma-resource.js';

const TYPE = 'kuma_tag';
/** Grey, the first colour of Kuma's tag editor. */
export const DEFAULT_TAG_COLOR = '#4B5563';

interface KumaTag {
  id: number;
  name: string;
  color: string;
}

async function listTags(session: KumaSession): Promise<KumaTag[]> {
  const answer = await session.call('getTags');
  return (Array.isArray(answer.tags) ? answer.tags : []) as KumaTag[];
}

function toState(tag: KumaTag): Attributes {
  return { id: tag.id, name: tag.name, color: tag.color };
}

export class TagResource implements KumaResource {
  readonly type = TYPE;
  readonly schema: ResourceTypeSchema = {
    jsonSchema: kumaJsonSchemas.tag,
    attributes: {
      id: { computed: true, description: 'The tag id Kuma gave (a number).' },
      name: { required: true, description: 'Tag name, as monitors refer to it.' },
      color: { optional: true, computed: true, description: `Colour as #RRGGBB (default ${DEFAULT_TAG_COLOR}, grey).` },
    },
    importIdFormat: 'the tag id (3) or name:<tag name>',
  };

  validate(config: Attributes): AttributeProblem[] {
    const problems: AttributeProblem[] = [];
    const color = config.color;
    if (typeof color === 'string' && !/^#[0-9a-fA-F]{6}$/.test(color))
      problems.push({ path: ['color'], message: `color ${JSON.stringify(color)} is not a #RRGGBB colour` });
    if (config.name === '') problems.push({ path: ['name'], message: 'name cannot be empty' });
    return problems;
  }

  plan(req: PlanResourceRequest): PlanResourceResponse {
    const { config, prior } = req;
    const color: Value = config.color ?? prior?.color ?? DEFAULT_TAG_COLOR;
    return {
      planned: { id: prior?.id ?? UNKNOWN, name: config.name ?? null, color: isUnknown(color) ? UNKNOWN : color },
      requiresReplace: [],
      notes: [],
      problems: [],
    };
  }

  identity(planned: Attributes): Record<string, Value> {
    return { name: planned.name ?? null };
  }

  async read(session: KumaSession, id: string): Promise<Attributes | null> {
    const tagId = numericId(TYPE, id);
    const tag = (await listTags(session)).find((t) => t.id === tagId);
    return tag ? toState(tag) : null;
  }

  async create(session: KumaSession, planned: Attributes): Promise<CreateResponse> {
    const name = String(planned.name);
    const twin = (await listTags(session)).find((t) => t.name === name);
    if (twin)
      throw new ProviderError(
        `a tag named ${JSON.stringify(name)} already exists on Uptime Kuma at ${session.url} (id ${twin.id}); import it with \`hl import <address> ${twin.id}\``,
      );
    const answer = await session.call('addTag', { name, color: String(planned.color) });
    const tag = answer.tag as KumaTag | undefined;
    if (!tag || typeof tag.id !== 'number')
      throw new ProviderError(`Uptime Kuma at ${session.url} answered \`addTag\` without the tag: ${JSON.stringify(answer)}`);
    return { id: String(tag.id), state: toState(tag) };
  }

  async update(session: KumaSession, id: string, _prior: Attributes, planned: Attributes): Promise<Attributes> {
    const tagId = numericId(TYPE, id);
    await session.call('editTag', { id: tagId, name: String(planned.name), color: String(planned.color) });
    const state = await this.read(session, id);
    if (!state) throw new ProviderError(`tag ${tagId} disappeared during its update on Uptime Kuma at ${session.url}`);
    return state;
  }

  async delete(session: KumaSession, id: string): Promise<void> {
    await session.call('deleteTag', numericId(TYPE, id));
  }

  async importResource(session: KumaSession, importId: string): Promise<{ id: string; state: Attributes } | null> {
    const key = parseImportId(TYPE, importId);
    const tags = await listTags(session);
    const found = 'id' in key ? tags.filter((t) => t.id === key.id) : tags.filter((t) => t.name === key.name);
    if (found.length === 0) return null;
    if (found.length > 1 && 'name' in key)
      throw ambiguousName(
        TYPE,
        key.name,
        found.map((t) => t.id),
      );
    return { id: String(found[0]!.id), state: toState(found[0]!) };
  }

  async recover(session: KumaSession, identity: Record<string, Value>, planned: Attributes): Promise<CreateResponse | null> {
    const name = String(identity.name ?? planned.name);
    const found = (await listTags(session)).filter((t) => t.name === name);
    if (found.length === 0) return null;
    if (found.length > 1)
      throw ambiguousName(
        TYPE,
        name,
        found.map((t) => t.id),
      );
    return { id: String(found[0]!.id), state: toState(found[0]!) };
  }
}
