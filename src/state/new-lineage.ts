/** A fresh state lineage: a random UUID, given once when a state is first created. */
import { randomUUID } from 'node:crypto';

export function newLineage(): string {
  return randomUUID();
}
