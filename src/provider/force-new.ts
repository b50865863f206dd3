/**
 * The replacements an attribute table asks for: every attribute the table flags `forceNew`,
 * in table order, is compared by its rule (kept beside the planner, keyed by the attribute)
 * and, when it changed, named in `requiresReplace` with the rule's reason. The table decides
 * which attributes replace the object; a rule only says how a provider compares the values
 * (IPs, MACs, lower-cased names) and in what words. A flagged attribute without a rule is
 * compared structurally (`sameValue`): the engine's structural planning is this with no
 * rules (default-plan-resource.ts); a rule for an attribute the table does not flag is a bug
 * (the two declarations drifted apart).
 */
import { sameValue, type Attributes } from '../core/value.js';
import type { AttributeSchema, PlanResourceResponse } from './contract.js';

export type Replacement = PlanResourceResponse['requiresReplace'][number];

/** The values a rule compares: the prior state, the planned attributes and the config. */
export interface ForceNewValues {
  prior: Attributes;
  planned: Attributes;
  config: Attributes;
}

/** How a change of one forceNew attribute is seen and explained. */
export type ForceNewRule =
  | {
      /** Whether the attribute changed, as the provider compares it. */
      changed: (v: ForceNewValues) => boolean;
      /** Why the change replaces the object (a text, or one made of the values). */
      reason: string | ((v: ForceNewValues) => string);
    }
  | {
      /** The change is part of another forceNew attribute's rule and reported there. */
      reportedUnder: string;
    };

/** Structural comparison, the engine's default (src/provider/default-plan-resource.ts uses no rules). */
function structural(name: string): ForceNewRule {
  return {
    changed: ({ prior, planned }) => !sameValue(prior[name], planned[name]),
    reason: `${name} cannot be changed in place`,
  };
}

/** The replacements of the flagged attributes that changed, in table order. */
export function forceNewChanges(
  attributes: Record<string, AttributeSchema>,
  values: ForceNewValues,
  rules: Record<string, ForceNewRule>,
): Replacement[] {
  for (const name of Object.keys(rules)) {
    if (!attributes[name]?.forceNew) throw new Error(`a replacement rule for ${name}, which the attribute table does not flag forceNew`);
  }
  const out: Replacement[] = [];
  for (const [name, a] of Object.entries(attributes)) {
    if (!a.forceNew) continue;
    const rule = rules[name] ?? structural(name);
    if ('reportedUnder' in rule) {
      if (!attributes[rule.reportedUnder]?.forceNew)
        throw new Error(`${name} is reported under ${rule.reportedUnder}, which is not forceNew`);
      continue;
    }
    if (!rule.changed(values)) continue;
    out.push({ path: [name], reason: typeof rule.reason === 'string' ? rule.reason : rule.reason(values) });
  }
  return out;
}
