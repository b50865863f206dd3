/**
 * Fault injection for tests and benchmarks: latency, the server's workers, task durations,
 * transient 500s, dropped connections, lock contention and task failures. Random decisions
 * come from a seeded generator (mulberry32), so a run with the same seed and the same request
 * sequence injects the same faults.
 */

/** A deterministic task failure: the next `count` tasks matching `type`/`vmid` fail with `message`. */
export interface TaskFailureRule {
  /** Task type, e.g. `qmclone`, `qmcreate`, `qmstart`, `vzcreate`, `resize`. */
  type?: string;
  vmid?: number;
  message: string;
  /** How many matching tasks fail (default: every one). */
  count?: number;
}

export interface FaultConfig {
  /** Seed of the fault RNG (default 1). Changing it restarts the random sequence. */
  seed?: number;
  /** Delay added to every API call, in ms. */
  latencyMs?: number;
  /** Extra random delay 0..jitter added to every API call, in ms. */
  latencyJitterMs?: number;
  /**
   * API requests served at once, as pveproxy's worker processes (PVE 8 and 9: 3, pve-manager
   * PVE/Service/pveproxy.pm `max_workers`); further requests
   * wait their turn (request-workers.ts). Unset: every request is served at once. The
   * latency is served inside a worker, so with both set the server answers at most
   * `workers` requests per `latencyMs`.
   */
  workers?: number;
  /** Default duration of every task, in ms. */
  taskDurationMs?: number;
  /** Duration per task type (`qmclone: 2000`), in ms. */
  taskDurationByType?: Record<string, number>;
  /** Probability (0..1) that an API call fails with HTTP 500 before doing anything. */
  transient500Rate?: number;
  /** Reason phrase of those 500s (default `got no worker upid - start worker failed`). */
  transient500Message?: string;
  /** Probability that the connection is destroyed before the request is processed. */
  dropConnectionRate?: number;
  /** Probability that the request is processed but the connection is destroyed instead of answering. */
  dropResponseRate?: number;
  /**
   * The next this many requests (matching `methods` and `pathPattern`) are processed but their
   * answer is lost, whatever `dropResponseRate` says: a deterministic lost reply.
   */
  dropResponses?: number;
  /** Only these methods get transient 500s and dropped connections (default: all). */
  methods?: readonly ('GET' | 'POST' | 'PUT' | 'DELETE')[];
  /** Only paths (below /api2/json) matching this regular expression get faults (default: all). */
  pathPattern?: string;
  /** Probability that a guest config lock is found held by another worker. */
  lockContentionRate?: number;
  /** How long that other worker holds it, in ms (default 1000). At or above lockTimeoutMs: "got timeout". */
  lockContentionMs?: number;
  /** How long a writer waits for a config lock before "got timeout", in ms (PVE: 10 s). */
  lockTimeoutMs?: number;
  /** Probability that a task fails. */
  taskFailureRate?: number;
  /** Exit status of randomly failed tasks (default `command 'emulated failure' failed: exit code 1`). */
  taskFailureMessage?: string;
  /** Deterministic task failures. */
  failTasks?: TaskFailureRule[];
  /** Delay before answering a failed authentication, in ms (PVE waits up to 3 s; default 0). */
  authFailureDelayMs?: number;
  /**
   * For this long after a task starts, its status and log answer 400 "no such task" (on PVE the
   * task file can appear a moment after the UPID is returned), in ms (default 0).
   */
  taskStatusUnknownMs?: number;
}

export const DEFAULT_TRANSIENT_MESSAGE = 'got no worker upid - start worker failed';
export const DEFAULT_TASK_FAILURE = "command 'emulated failure' failed: exit code 1";

/** mulberry32: small, fast, good enough for fault decisions. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** True with probability `p`. */
  chance(p: number | undefined): boolean {
    if (!p || p <= 0) return false;
    return this.next() < p;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
}

/** The current fault settings with their RNG. */
export class FaultController {
  private config: FaultConfig = {};
  private rng = new SeededRandom(1);
  private remaining = new Map<TaskFailureRule, number>();
  private dropsLeft = 0;

  constructor(
    private readonly base: { taskDurationMs: number; latencyMs: number },
    initial?: FaultConfig,
  ) {
    this.set(initial ?? {});
  }

  /** Replaces the fault settings; the RNG restarts from the (new) seed. */
  set(config: FaultConfig): void {
    this.config = { ...config, failTasks: config.failTasks?.map((r) => ({ ...r })) };
    this.rng = new SeededRandom(config.seed ?? 1);
    this.remaining = new Map((this.config.failTasks ?? []).map((r) => [r, r.count ?? Number.POSITIVE_INFINITY]));
    this.dropsLeft = config.dropResponses ?? 0;
  }

  get(): FaultConfig {
    return {
      ...this.config,
      failTasks: this.config.failTasks?.map((r) => ({ ...r, count: this.remaining.get(r) ?? r.count })),
      ...(this.config.dropResponses !== undefined ? { dropResponses: this.dropsLeft } : {}),
    };
  }

  private applies(method: string, path: string): boolean {
    const c = this.config;
    if (c.methods && !c.methods.includes(method as 'GET')) return false;
    if (c.pathPattern && !new RegExp(c.pathPattern).test(path)) return false;
    return true;
  }

  latencyMs(): number {
    const jitter = this.config.latencyJitterMs ? this.rng.next() * this.config.latencyJitterMs : 0;
    return (this.config.latencyMs ?? this.base.latencyMs) + jitter;
  }

  /** The worker limit (undefined: none); anything but a positive integer means none. */
  workers(): number | undefined {
    const w = this.config.workers;
    return typeof w === 'number' && Number.isInteger(w) && w > 0 ? w : undefined;
  }

  shouldDropConnection(method: string, path: string): boolean {
    return this.applies(method, path) && this.rng.chance(this.config.dropConnectionRate);
  }

  shouldDropResponse(method: string, path: string): boolean {
    if (!this.applies(method, path)) return false;
    if (this.dropsLeft > 0) {
      this.dropsLeft--;
      return true;
    }
    return this.rng.chance(this.config.dropResponseRate);
  }

  /** The reason phrase of an injected 500, or undefined. */
  transient500(method: string, path: string): string | undefined {
    if (!this.applies(method, path) || !this.rng.chance(this.config.transient500Rate)) return undefined;
    return this.config.transient500Message ?? DEFAULT_TRANSIENT_MESSAGE;
  }

  /** The duration set for tasks of `type` in the fault settings, if any. */
  taskDurationOverrideMs(type: string): number | undefined {
    return this.config.taskDurationByType?.[type];
  }

  taskDurationMs(type: string): number {
    return this.config.taskDurationByType?.[type] ?? this.config.taskDurationMs ?? this.base.taskDurationMs;
  }

  /** The failure message for a new task, or undefined when it should succeed. */
  taskFailure(type: string, vmid: number | undefined): string | undefined {
    for (const rule of this.config.failTasks ?? []) {
      if (rule.type !== undefined && rule.type !== type) continue;
      if (rule.vmid !== undefined && rule.vmid !== vmid) continue;
      const left = this.remaining.get(rule) ?? 0;
      if (left <= 0) continue;
      this.remaining.set(rule, left - 1);
      return rule.message;
    }
    if (this.rng.chance(this.config.taskFailureRate)) return this.config.taskFailureMessage ?? DEFAULT_TASK_FAILURE;
    return undefined;
  }

  /** How long another worker holds a config lock we want, or 0. */
  lockContentionMs(): number {
    return this.rng.chance(this.config.lockContentionRate) ? (this.config.lockContentionMs ?? 1000) : 0;
  }

  lockTimeoutMs(): number {
    return this.config.lockTimeoutMs ?? 10_000;
  }

  authFailureDelayMs(): number {
    return this.config.authFailureDelayMs ?? 0;
  }

  taskStatusUnknownMs(): number {
    return this.config.taskStatusUnknownMs ?? 0;
  }
}
