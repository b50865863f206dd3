/** How the provider compares tags with what the cluster stores (mapping/pve-tags.ts). */
import { describe, expect, it } from 'vitest';
import { sameStoredTags, tagsAsRead, tagStyleFromOptions } from '../../providers/proxmox/mapping/pve-tags.js';

const INSENSITIVE = { caseSensitive: false };
const SENSITIVE = { caseSensitive: true };

describe('pve-tags', () => {
  it('reads the tag style of a /cluster/options answer', () => {
    expect(tagStyleFromOptions({ 'allowed-tags': [] })).toEqual(INSENSITIVE);
    expect(tagStyleFromOptions({ 'tag-style': { 'case-sensitive': 1, ordering: 'config' } })).toEqual(SENSITIVE);
    expect(tagStyleFromOptions({ 'tag-style': { 'case-sensitive': 0 } })).toEqual(INSENSITIVE);
    expect(tagStyleFromOptions({ 'tag-style': 'shape=dense,case-sensitive=true' })).toEqual(SENSITIVE);
  });

  const cases: { reason: string; live: string[]; prior: string[] | null; style: typeof SENSITIVE; read: string[] }[] = [
    { reason: 'lowercased by the cluster: the config spelling kept', live: ['prod'], prior: ['Prod'], style: INSENSITIVE, read: ['Prod'] },
    { reason: 'duplicates under the rule: the config spelling kept', live: ['prod'], prior: ['Prod', 'prod'], style: INSENSITIVE, read: ['Prod', 'prod'] },
    { reason: 'case-sensitive cluster: another spelling is a change', live: ['prod'], prior: ['Prod'], style: SENSITIVE, read: ['prod'] },
    { reason: 'another set: the live tags', live: ['prod', 'web'], prior: ['Prod'], style: INSENSITIVE, read: ['prod', 'web'] },
    { reason: 'no prior: the live tags', live: ['prod'], prior: null, style: INSENSITIVE, read: ['prod'] },
  ];
  for (const c of cases) it(c.reason, () => expect(tagsAsRead(c.live, c.prior, c.style)).toEqual(c.read));

  it('compares as sets under the rule', () => {
    expect(sameStoredTags(['B', 'a'], ['a', 'b'], INSENSITIVE)).toBe(true);
    expect(sameStoredTags(['B', 'a'], ['a', 'b'], SENSITIVE)).toBe(false);
  });
});
