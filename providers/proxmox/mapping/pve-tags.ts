/**
 * Guest tags the way the cluster stores them, so that hl compares them as PVE does.
 *
 * PVE passes every tag list written through get_unique_tags (pve-guest-common
 * `src/PVE/GuestHelpers.pm`): tags are lowercased unless the datacenter option `tag-style` has
 * `case-sensitive=1`, duplicates dropped, sorted unless `ordering=config`. So `Prod` written
 * is read back as `prod` on a default cluster. hl keeps tags as a set in the spelling of the
 * config: a read keeps the prior spelling when the live tags are the same set under the
 * cluster's rule, and a write is skipped when the live tags already are that set.
 * Pure code.
 */
import { isUnknown, type Value } from '../../../src/core/value.js';

/** What decides how PVE stores tags (datacenter.cfg `tag-style`). */
export interface TagStyle {
  caseSensitive: boolean;
}

/** PVE's default: tags are lowercased. */
export const DEFAULT_TAG_STYLE: TagStyle = { caseSensitive: false };

/**
 * The tag style of a `GET /cluster/options` answer: `tag-style` comes parsed
 * (`{"case-sensitive": 1}`), or as its property string from an older or foreign server.
 */
export function tagStyleFromOptions(options: unknown): TagStyle {
  const raw = options && typeof options === 'object' ? (options as Record<string, unknown>)['tag-style'] : undefined;
  let flag: unknown;
  if (raw && typeof raw === 'object') flag = (raw as Record<string, unknown>)['case-sensitive'];
  else if (typeof raw === 'string') flag = /(?:^|,)\s*case-sensitive=([^,]*)/.exec(raw)?.[1];
  const text = String(flag ?? '0')
    .trim()
    .toLowerCase();
  return { caseSensitive: ['1', 'on', 'yes', 'true'].includes(text) };
}

/** The set PVE stores for `tags` under `style`, sorted (for comparing). */
export function storedTagSet(tags: readonly string[], style: TagStyle): string[] {
  const key = (t: string): string => (style.caseSensitive ? t : t.toLowerCase());
  return [...new Set(tags.map((t) => key(t.trim())).filter((t) => t !== ''))].sort();
}

/** Whether two tag lists are stored as the same set under `style`. */
export function sameStoredTags(a: readonly string[], b: readonly string[], style: TagStyle): boolean {
  const sa = storedTagSet(a, style);
  const sb = storedTagSet(b, style);
  return sa.length === sb.length && sa.every((t, i) => t === sb[i]);
}

/**
 * The `tags` attribute of a read: the prior value (state or plan, in the config's spelling)
 * when the cluster stores it as the live set, else the live tags.
 */
export function tagsAsRead(live: string[], prior: Value | undefined, style: TagStyle): string[] {
  if (!Array.isArray(prior) || prior.some((t) => isUnknown(t) || typeof t !== 'string')) return live;
  const priorTags = prior as string[];
  return sameStoredTags(priorTags, live, style) ? priorTags : live;
}
