/**
 * The fake provider's fault injection, for torture runs: how often a write is refused before
 * it does anything, how often its reply is lost after it took effect, and the repeatable
 * random numbers that decide.
 */

export interface FaultSettings {
  failRate: number;
  lostReplyRate: number;
  /** Uniform in [0, 1). */
  random: () => number;
}

export const NO_FAULTS: FaultSettings = { failRate: 0, lostReplyRate: 0, random: () => 1 };

/** mulberry32: small and repeatable, enough for fault decisions. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
