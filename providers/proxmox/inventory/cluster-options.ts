/**
 * Cluster-wide settings the provider's reads and writes depend on, read once per provider
 * instance (one run) from `GET /cluster/options` (pve-manager `PVE/API2/Cluster.pm`
 * get_options; any user may call it and always gets `tag-style`): the tag style that decides
 * how PVE stores guest tags (mapping/pve-tags.ts). Concurrent readers share the one request.
 */
import type { OperationContext } from '../../../src/provider/contract.js';
import type { PveClient } from '../../pve/client/pve-client.js';
import { tagStyleFromOptions, type TagStyle } from '../mapping/pve-tags.js';

export class ClusterOptions {
  private answer: Promise<TagStyle> | undefined;

  constructor(private readonly client: PveClient) {}

  /** The cluster's tag style (asked once; a failed request is asked again next time). */
  tagStyle(op: OperationContext = {}): Promise<TagStyle> {
    if (!this.answer) {
      const p = this.client.call<unknown>('GET', '/cluster/options', {}, op.signal ? { signal: op.signal } : {}).then(tagStyleFromOptions);
      p.catch(() => {
        if (this.answer === p) this.answer = undefined;
      });
      this.answer = p;
    }
    return this.answer;
  }
}
