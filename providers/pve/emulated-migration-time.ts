/**
 * `HL_EMULATED_MIGRATION_TIME_SCALE`: shortens the emulated cluster's migrations (embedded,
 * or `hl emulate proxmox`) by a factor in (0, 1]. Left unset, a migration lasts as long as on
 * the homelab (its local volumes copied at about 110 MB/s): realism by default; tests and demos
 * may shorten it, never lengthen it.
 */
import { ProviderError } from '../../src/provider/contract.js';

export const MIGRATION_TIME_SCALE_VAR = 'HL_EMULATED_MIGRATION_TIME_SCALE';

export function migrationTimeScaleFrom(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const text = env[MIGRATION_TIME_SCALE_VAR];
  if (text === undefined || text.trim() === '') return undefined;
  const f = Number(text);
  if (!(f > 0 && f <= 1)) {
    throw new ProviderError(
      `${MIGRATION_TIME_SCALE_VAR} must be a number in (0, 1] (got "${text}"): emulated migrations may be shortened, not lengthened`,
    );
  }
  return f;
}
