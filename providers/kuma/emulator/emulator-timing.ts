/**
 * How long the emulated server's own work takes: the database queries that come before it
 * registers its handlers on a new connection (2.x) and before each list it pushes after a
 * login (1.23 answers `login` first and pushes afterwards), and how long one of Kuma's
 * seconds lasts for its monitor checks (a push monitor's interval, retry interval and the
 * 1 s buffer its check allows). Realism is on by default; tests may shorten these periods
 * but a period of zero is raised to 1 ms, so the order of events a real server produces is
 * always kept.
 */

export interface KumaEmulatorTiming {
  /** One round of settings/list queries, in milliseconds. */
  queryMs: number;
  /** One second of a monitor's interval, in milliseconds (1000 on a real server). */
  secondMs: number;
}

export const DEFAULT_TIMING: KumaEmulatorTiming = { queryMs: 25, secondMs: 1000 };

/** The timing to run with: never zero. */
export function effectiveTiming(requested: Partial<KumaEmulatorTiming> | undefined): KumaEmulatorTiming {
  const queryMs = requested?.queryMs ?? DEFAULT_TIMING.queryMs;
  const secondMs = requested?.secondMs ?? DEFAULT_TIMING.secondMs;
  return { queryMs: Math.max(1, queryMs), secondMs: Math.max(1, secondMs) };
}
