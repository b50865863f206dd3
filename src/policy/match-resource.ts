/**
 * Whether a resource change is one a rule looks at (its `match:`), and the facts rules read
 * from a change: the node it is on and its tags. Attributes are read both before and after
 * the change, so a resource moving off a node, or losing a tag in the same change, still
 * counts as being there.
 */
import { isValueMap, type Attributes, type Value } from '../core/value.js';
import type { Action, ResourceChange } from '../plan/plan-types.js';
import type { ResourceSelector } from './policy-types.js';

/** Actions that change nothing: not counted, not checked. */
const NOT_CHANGES: ReadonlySet<Action> = new Set(['no-op', 'read']);

export function isChange(c: ResourceChange): boolean {
  return !NOT_CHANGES.has(c.action);
}

export function isReplacement(c: ResourceChange): boolean {
  return c.action === 'delete-create' || c.action === 'create-delete';
}

/** True when every key of the selector holds for the change. */
export function matchesSelector(c: ResourceChange, s: ResourceSelector): boolean {
  if (s.types && !s.types.some((p) => wildcardMatch(p, c.type))) return false;
  if (s.addresses && !s.addresses.some((p) => wildcardMatch(p, c.address) || wildcardMatch(p, c.block))) return false;
  if (s.providers && !s.providers.includes(c.provider)) return false;
  if (s.nodes) {
    const nodes = nodesOf(c);
    if (!s.nodes.some((n) => nodes.includes(n))) return false;
  }
  if (s.tags) {
    const tags = tagsOf(c);
    if (!s.tags.some((t) => tags.includes(t.toLowerCase()))) return false;
  }
  return true;
}

/** The values of the `node` attribute before and after the change (unknowns left out). */
export function nodesOf(c: ResourceChange): string[] {
  const out = new Set<string>();
  for (const attrs of [c.before, c.after]) {
    const v = attrs?.['node'];
    if (typeof v === 'string' && v !== '') out.add(v);
  }
  return [...out];
}

/** The tags before and after the change, lower-cased. */
export function tagsOf(c: ResourceChange): string[] {
  const out = new Set<string>();
  for (const attrs of [c.before, c.after]) for (const t of tagList(attrs)) out.add(t.toLowerCase());
  return [...out];
}

/** `tags` as a list of strings, `a;b` or `a, b` text, or a list of `{ name }` maps. */
function tagList(attrs: Attributes | null): string[] {
  const v: Value | undefined = attrs?.['tags'];
  if (typeof v === 'string') return v.split(/[;,\s]+/).filter((t) => t !== '');
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const item of v) {
    if (typeof item === 'string') out.push(item);
    else if (isValueMap(item)) {
      const name = item['name'] ?? item['tag'];
      if (typeof name === 'string') out.push(name);
    }
  }
  return out;
}

/** Whole-text match where `*` stands for any run of characters. */
export function wildcardMatch(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text;
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's');
  return re.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
