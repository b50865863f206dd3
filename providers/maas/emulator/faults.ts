/**
 * Fault injection of the MAAS emulator, named like the Proxmox emulator's: latency (with
 * jitter), transient 500s before a request is handled, connections dropped before handling,
 * responses dropped after handling (the change happened, the answer is lost). Random
 * decisions use a seeded generator, so a run with the same seed and the same requests
 * injects the same faults; `failNextRequests` and `dropResponse` are deterministic.
 *
 * MAAS's own "try again" answers, both before anything is applied (the request's transaction
 * is rolled back), with MAAS's Retry-After values:
 * - `conflictNextRequests`: 409 with `Retry-After: 5`, what MAAS answers when a request still
 *   hits a serialization conflict after its own retries (src/maasserver/utils/views.py,
 *   RETRY_AFTER_CONFLICT and HttpResponseConflict, a rendered 409.html page);
 * - `unavailableNextRequests`: 503 with `Retry-After: 10`, what the middleware answers for an
 *   RPC or external-process failure (src/maasserver/middleware.py,
 *   RETRY_AFTER_SERVICE_UNAVAILABLE, text/plain).
 */

export interface MaasEmulatorFaults {
  /** Seed of the fault RNG (default 1). */
  seed?: number;
  /** Delay added to every API call, in ms. */
  latencyMs?: number;
  /** Extra random delay 0..jitter, in ms. */
  latencyJitterMs?: number;
  /** Probability (0..1) that an authenticated call fails with HTTP 500 before doing anything. */
  transient500Rate?: number;
  /** The next N authenticated calls fail with HTTP 500 before doing anything. */
  failNextRequests?: number;
  /** The next N authenticated calls answer 409 with Retry-After (MAAS's rolled-back conflict). */
  conflictNextRequests?: number;
  /** The next N authenticated calls answer 503 with Retry-After (MAAS's RPC failure). */
  unavailableNextRequests?: number;
  /** Probability that the connection is destroyed before the request is handled. */
  dropConnectionRate?: number;
  /** Probability that the request is handled but the connection is destroyed instead of answering. */
  dropResponseRate?: number;
  /** Deterministic variant: handle the request, then destroy the connection when this answers true. */
  dropResponse?: (req: { method: string; path: string; op?: string }) => boolean;
  /** Only these methods get 500s and dropped connections (default: all). */
  methods?: readonly ('GET' | 'POST' | 'PUT' | 'DELETE')[];
  /** Only paths (below /MAAS/api/2.0/) matching this regular expression get them (default: all). */
  pathPattern?: string;
}

export type FaultDecision = 'none' | 'error500' | 'conflict409' | 'unavailable503' | 'dropConnection';

export class FaultInjector {
  private state: number;
  private seededWith: number;

  constructor(readonly config: MaasEmulatorFaults) {
    this.seededWith = config.seed ?? 1;
    this.state = this.seededWith >>> 0;
  }

  private random(): number {
    if ((this.config.seed ?? 1) !== this.seededWith) {
      this.seededWith = this.config.seed ?? 1;
      this.state = this.seededWith >>> 0;
    }
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private chance(p: number | undefined): boolean {
    return !!p && p > 0 && this.random() < p;
  }

  private applies(method: string, path: string): boolean {
    const { methods, pathPattern } = this.config;
    if (methods && !methods.includes(method as 'GET')) return false;
    if (pathPattern && !new RegExp(pathPattern).test(path)) return false;
    return true;
  }

  delayMs(): number {
    const base = this.config.latencyMs ?? 0;
    const jitter = this.config.latencyJitterMs ? this.random() * this.config.latencyJitterMs : 0;
    return base + jitter;
  }

  /** Before handling an authenticated request. */
  before(method: string, path: string): FaultDecision {
    if (!this.applies(method, path)) return 'none';
    if ((this.config.failNextRequests ?? 0) > 0) {
      this.config.failNextRequests! -= 1;
      return 'error500';
    }
    if ((this.config.conflictNextRequests ?? 0) > 0) {
      this.config.conflictNextRequests! -= 1;
      return 'conflict409';
    }
    if ((this.config.unavailableNextRequests ?? 0) > 0) {
      this.config.unavailableNextRequests! -= 1;
      return 'unavailable503';
    }
    if (this.chance(this.config.dropConnectionRate)) return 'dropConnection';
    if (this.chance(this.config.transient500Rate)) return 'error500';
    return 'none';
  }

  /** After handling: true when the answer must be lost. */
  dropAfter(method: string, path: string, op: string | undefined): boolean {
    if (this.config.dropResponse?.({ method, path, ...(op !== undefined ? { op } : {}) })) return true;
    return this.applies(method, path) && this.chance(this.config.dropResponseRate);
  }
}
