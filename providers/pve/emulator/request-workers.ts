/**
 * The server's capacity, modelled on pveproxy: a fixed number of workers, each serving one
 * API request at a time, and requests beyond them waiting their turn. With the per-request
 * latency of the fault settings this is the emulator's latency model; benchmarks read its
 * counts (requests served, the most served at once, queue waits) to prove their bounds.
 *
 * What the real server does (read in pve-manager `PVE/Service/pveproxy.pm` and
 * pve-http-server `src/PVE/APIServer/AnyEvent.pm`):
 * - pveproxy runs `max_workers => 3` worker processes. Each is one AnyEvent loop, and
 *   handle_api2_request calls rest_handler synchronously, so a worker serves one API call
 *   at a time: three calls are served at once, whatever the number of clients.
 * - A worker accepts connections up to `max_conn` (pveproxy sets 500; AnyEvent.pm's default
 *   is 800, and keep-alive stops at `max_conn - 20`); their requests wait in the worker's
 *   loop. At `max_conn` it stops accepting and looks again each second: further connections
 *   wait in the kernel's listen backlog. Nothing answers 503 for overload, so neither does
 *   this model: requests beyond the workers wait, unbounded.
 * - A worker ends after `max_requests` (pveproxy 1000) and is replaced; not modelled.
 *
 * One difference, on the fast side: a real connection stays with the worker that accepted
 * it, so one worker may have a queue while another is idle; here the queue is shared and a
 * worker that frees takes the next request at once (work-conserving). Every bound computed
 * from this model therefore also holds for the real server's layout.
 *
 * Tasks (the forked workers a write starts) do not hold an API worker, as on PVE.
 */
import { performance } from 'node:perf_hooks';

/** What the model counted since it was started or reset. */
export interface ServerStats {
  /** API requests that were given a worker (answered, failed or dropped). */
  served: number;
  /** Requests being served now. */
  inFlight: number;
  /** The most requests served at once. */
  maxConcurrent: number;
  /** Requests that had to wait for a worker. */
  queued: number;
  /** Requests waiting now. */
  queueLength: number;
  /** The longest the queue has been. */
  maxQueueLength: number;
  /** Time requests spent waiting for a worker, summed, in ms. */
  queueWaitMs: number;
  /**
   * Time requests held a worker, summed, in ms: at least `served` x the latency; what is over
   * that is the emulator's own work and a loaded machine's late timers.
   */
  busyMs: number;
  /** The worker limit now (undefined: every request is served at once). */
  workers: number | undefined;
}

/** A limit of requests served at once with a first-come first-served queue behind it. */
export class RequestWorkers {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  private counts = { served: 0, maxConcurrent: 0, queued: 0, maxQueueLength: 0, queueWaitMs: 0, busyMs: 0 };

  /** `limit` is read at each admission, so the fault settings can change it at run time. */
  constructor(private readonly limit: () => number | undefined) {}

  private free(): boolean {
    const max = this.limit();
    return max === undefined || this.busy < max;
  }

  private admit(): void {
    this.busy++;
    this.counts.served++;
    if (this.busy > this.counts.maxConcurrent) this.counts.maxConcurrent = this.busy;
  }

  /**
   * Waits for a worker (immediately when one is free and nobody is waiting) and answers the
   * function that gives it back, which must be called once, when the answer has been sent.
   */
  async acquire(): Promise<{ release: () => void; waitedMs: number }> {
    if (this.waiting.length === 0 && this.free()) {
      this.admit();
      return { release: this.releaser(performance.now()), waitedMs: 0 };
    }
    const t0 = performance.now();
    this.counts.queued++;
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length > this.counts.maxQueueLength) this.counts.maxQueueLength = this.waiting.length;
    });
    const admitted = performance.now();
    const waitedMs = admitted - t0;
    this.counts.queueWaitMs += waitedMs;
    return { release: this.releaser(admitted), waitedMs };
  }

  private releaser(admitted: number): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.counts.busyMs += performance.now() - admitted;
      this.busy--;
      this.drain();
    };
  }

  /** Hands free workers to the first in line; the count is taken at once, so nobody overtakes. */
  private drain(): void {
    while (this.waiting.length > 0 && this.free()) {
      this.admit();
      this.waiting.shift()!();
    }
  }

  stats(): ServerStats {
    return { ...this.counts, inFlight: this.busy, queueLength: this.waiting.length, workers: this.limit() };
  }

  /** Starts the counts again (requests in flight or waiting stay as they are). */
  resetStats(): void {
    this.counts = { served: 0, maxConcurrent: this.busy, queued: 0, maxQueueLength: this.waiting.length, queueWaitMs: 0, busyMs: 0 };
  }
}

/**
 * Waits until `ms` have passed since `since` (performance.now() time). A timer may fire a
 * fraction of a millisecond early (Node's loop clock counts whole milliseconds), so it sleeps
 * again for what is left: a request is never served faster than the model's latency, which
 * is what makes a bound computed from that latency a lower bound. `now` and `sleep` are
 * injectable for tests.
 */
export async function holdAtLeast(
  ms: number,
  since: number,
  now: () => number = () => performance.now(),
  sleep: (ms: number) => Promise<void> = (d) => new Promise((r) => setTimeout(r, d)),
): Promise<void> {
  for (let left = since + ms - now(); left > 0; left = since + ms - now()) await sleep(Math.ceil(left));
}
