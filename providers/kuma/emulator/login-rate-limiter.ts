/**
 * Kuma's login rate limiter: a token bucket of 20 per minute that refills continuously and
 * refuses at once ("fireImmediately") with "Too frequently, try again later." when empty.
 * Every `login` and `logout` spends a token, successful or not.
 */

export const LOGIN_RATE_LIMIT_MESSAGE = 'Too frequently, try again later.';

export class LoginRateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perMinute = 20,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = perMinute;
    this.last = now();
  }

  /** Spends a token; false when none is left. */
  pass(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((t - this.last) / 60_000) * this.perMinute);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
