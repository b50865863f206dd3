/**
 * `maas_tag`: a MAAS tag and the nodes that carry it, e.g. to mark the devices of critical
 * services. Attributes, plan-time checks and planning (pure).
 *
 * Shape (schemas/maas_tag.schema.json):
 *   name: critical                  # ^[a-zA-Z0-9_-]+$, at most 256 characters
 *   comment: pager on failure       # optional
 *   kernel_opts: ""                 # optional (used when machines boot)
 *   nodes: ["${maas_device.kuma.system_id}"]   # optional: exactly these nodes carry the tag
 * Tags hold nodes of any type, devices included (src/maasserver/models/tag.py: the tag's
 * node_set is Node's; api/tags.py `update_nodes` adds and removes by system_id). The id is the
 * name; a rename replaces the tag. Only tags whose nodes are set by hand are managed: an XPath
 * `definition` (automatic tags, evaluated against machine hardware) is not an attribute.
 */
import type { AttributeProblem, PlanResourceResponse } from '../../../src/provider/contract.js';
import type { Attributes, Path, Value } from '../../../src/core/value.js';
import { forceNewChanges, type ForceNewRule } from '../../../src/provider/force-new.js';
import { maasProviderSchema } from '../provider-schema.js';
import { isUnknownValue } from '../unknown-value.js';

const TAG_NAME = /^[a-zA-Z0-9_-]+$/;

function problem(path: Path, message: string): AttributeProblem {
  return { path, message, severity: 'error' };
}

function given(v: Value | undefined): v is Value {
  return v !== undefined && v !== null;
}

export function validateTagConfig(config: Attributes): AttributeProblem[] {
  const out: AttributeProblem[] = [];
  const name = config.name;
  if (!given(name)) out.push(problem(['name'], 'name is required'));
  else if (!isUnknownValue(name)) {
    // models/tag.py: RegexValidator("^[a-zA-Z0-9_-]+$"), max_length 256
    if (typeof name !== 'string' || !TAG_NAME.test(name)) {
      out.push(problem(['name'], `tag name ${JSON.stringify(name)} may hold only letters, digits, "-" and "_" (MAAS uses it in URLs)`));
    } else if (name.length > 256) out.push(problem(['name'], 'a tag name may be at most 256 characters'));
  }
  for (const key of ['comment', 'kernel_opts']) {
    const v = config[key];
    if (given(v) && !isUnknownValue(v) && typeof v !== 'string') out.push(problem([key], `${key} must be a string`));
  }
  const nodes = config.nodes;
  if (given(nodes) && !isUnknownValue(nodes)) {
    if (!Array.isArray(nodes)) out.push(problem(['nodes'], 'nodes must be a list of system_ids'));
    else {
      const seen = new Set<string>();
      nodes.forEach((n, i) => {
        if (isUnknownValue(n)) return;
        if (typeof n !== 'string' || !/^[a-z0-9]+$/.test(n)) {
          out.push(problem(['nodes', i], `${JSON.stringify(n)} is not a MAAS system_id (like "4y3h7n"; use maas_device.<name>.system_id)`));
        } else if (seen.has(n)) out.push(problem(['nodes', i], `node ${n} is listed twice`));
        else seen.add(n);
      });
    }
  }
  return out;
}

/** How a change of each forceNew attribute (provider-schema.ts) is seen: a known new name. */
const TAG_REPLACEMENTS: Record<string, ForceNewRule> = {
  name: {
    changed: ({ prior, planned }) => typeof planned.name === 'string' && prior.name !== planned.name,
    reason: ({ prior, planned }) => `the tag's name is its id: ${String(prior.name)} is deleted and ${String(planned.name)} created`,
  },
};

export function planTag(prior: Attributes | null, config: Attributes): PlanResourceResponse {
  const planned: Attributes = {
    name: config.name ?? null,
    comment: given(config.comment) ? config.comment : (prior?.comment ?? ''),
    kernel_opts: given(config.kernel_opts) ? config.kernel_opts : (prior?.kernel_opts ?? ''),
    nodes: given(config.nodes) ? config.nodes : (prior?.nodes ?? []),
  };
  const attributes = maasProviderSchema().resources.maas_tag!.attributes;
  const requiresReplace = prior ? forceNewChanges(attributes, { prior, planned, config }, TAG_REPLACEMENTS) : [];
  return { planned, requiresReplace, notes: [], problems: [] };
}
