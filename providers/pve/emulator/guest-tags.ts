/**
 * Guest tags as PVE stores them, and the datacenter `tag-style` option that decides how.
 *
 * - uniqueTags re-implements pve-guest-common `src/PVE/GuestHelpers.pm` get_unique_tags, which
 *   qemu-server (`src/PVE/API2/Qemu.pm`, create and update of `tags`) and pve-container
 *   (`src/PVE/LXC/Config.pm` update_pct_config, used by create and update) apply to every tag
 *   list written: the list is split like pve-common split_list (`,`, `;` and white space), each
 *   tag lowercased unless `case-sensitive`, sorted (case-insensitively unless `case-sensitive`)
 *   unless `ordering=config`, duplicates dropped (the first spelling kept), joined with `;`.
 * - tagStyleOf reads the `tag-style` property string of datacenter.cfg (pve-cluster
 *   `src/PVE/DataCenterConfig.pm`, `$tag_style_format`: `case-sensitive` default 0, `ordering`
 *   `alphabetical` (default) or `config`, plus the web UI's `shape` and `color-map`).
 */
import { parseBoolean, parsePropertyString, type PropertyStringFormat } from '../property-string.js';
import { splitList } from './string-formats.js';
import type { World } from './world.js';

/** `tag-style` of datacenter.cfg (pve-cluster DataCenterConfig.pm `$tag_style_format`). */
export const TAG_STYLE_FORMAT: PropertyStringFormat = {
  keys: {
    'case-sensitive': { type: 'boolean' },
    'color-map': {
      type: 'string',
      pattern:
        /(?:[a-z0-9_][a-z0-9_\-+.]*:[0-9a-fA-F]{6}(?::[0-9a-fA-F]{6})?)(?:;(?:[a-z0-9_][a-z0-9_\-+.]*:[0-9a-fA-F]{6}(?::[0-9a-fA-F]{6})?))*/i,
    },
    ordering: { type: 'string', enum: ['config', 'alphabetical'] },
    shape: { type: 'string', enum: ['full', 'circle', 'dense', 'none'] },
  },
};

/** What get_unique_tags reads of `tag-style`. */
export interface TagStyle {
  caseSensitive: boolean;
  /** `config`: the order written is kept; else sorted. */
  ordering: 'config' | 'alphabetical';
}

export const DEFAULT_TAG_STYLE: TagStyle = { caseSensitive: false, ordering: 'alphabetical' };

/** The tag style of a `tag-style` property string (absent or unparsable: PVE's defaults). */
export function parseTagStyle(text: string | undefined): TagStyle {
  if (!text) return DEFAULT_TAG_STYLE;
  let p: Record<string, string>;
  try {
    p = parsePropertyString(text, TAG_STYLE_FORMAT);
  } catch {
    return DEFAULT_TAG_STYLE;
  }
  return {
    caseSensitive: parseBoolean(p['case-sensitive'] ?? '0') === true,
    ordering: p.ordering === 'config' ? 'config' : 'alphabetical',
  };
}

/** The cluster's tag style, from its datacenter options. */
export function tagStyleOf(world: World): TagStyle {
  return parseTagStyle(world.datacenter?.['tag-style']);
}

/** get_unique_tags: a tag list as PVE stores it under `style`. */
export function uniqueTags(tags: string, style: TagStyle): string {
  const list = splitList(tags);
  const key = (t: string): string => (style.caseSensitive ? t : t.toLowerCase());
  // Perl's sort is stable: tags equal under the comparison keep the order they were written in.
  const ordered = style.ordering === 'config' ? list : [...list].sort((a, b) => compareCodeUnits(key(a), key(b)));
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of ordered) {
    const t = key(tag);
    if (seen.has(t)) continue;
    seen.add(t);
    out.push(t);
  }
  return out.join(';');
}

/** Perl `cmp` without `use locale`: by character code. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `tags` of a create or update as the cluster stores them (its `tag-style` applied). */
export function canonicalTags(world: World, tags: string): string {
  return uniqueTags(tags, tagStyleOf(world));
}
