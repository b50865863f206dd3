/**
 * What the server's version decides: the protocol generation (1.x re-sends the whole
 * `monitorList` after every change; 2.x sends `updateMonitorIntoList` / `deleteMonitorFromList`
 * and requires `conditions`) and the interval limits of Monitor.validate() (at least 20 s
 * before 2.1, 1 s from 2.1; at most 24 days). Pure.
 */

export type ProtocolGeneration = 1 | 2;

export interface IntervalLimits {
  minIntervalSecond: number;
  maxIntervalSecond: number;
  /** Which versions the limits are for, for messages. */
  label: string;
}

export interface KumaServerVersion {
  text: string;
  major: number;
  minor: number;
  generation: ProtocolGeneration;
  limits: IntervalLimits;
}

export const MAX_INTERVAL_SECOND = 2_073_600;

/** The limits to plan with when the version is not known: the strictest of all versions. */
export const STRICTEST_LIMITS: IntervalLimits = {
  minIntervalSecond: 20,
  maxIntervalSecond: MAX_INTERVAL_SECOND,
  label: 'Uptime Kuma before 2.1',
};

export function parseKumaVersion(text: string): KumaServerVersion | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(text.trim());
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const oneSecond = major > 2 || (major === 2 && minor >= 1);
  return {
    text: text.trim(),
    major,
    minor,
    generation: major >= 2 ? 2 : 1,
    limits: oneSecond
      ? { minIntervalSecond: 1, maxIntervalSecond: MAX_INTERVAL_SECOND, label: `Uptime Kuma ${text.trim()}` }
      : { minIntervalSecond: 20, maxIntervalSecond: MAX_INTERVAL_SECOND, label: `Uptime Kuma ${text.trim()}` },
  };
}

/** Limits for a stated version (provider config `version`), or the strictest when none is stated. */
export function limitsForStatedVersion(version: string | undefined): IntervalLimits {
  if (version === undefined) return STRICTEST_LIMITS;
  return parseKumaVersion(version)?.limits ?? STRICTEST_LIMITS;
}
