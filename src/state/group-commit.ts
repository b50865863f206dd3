/**
 * Group commit: appends made in the same turn of the event loop's microtasks (operations that
 * become ready at once) are written together, and appends that arrive while a write is in
 * flight are written together by the next one, so parallel operations do not queue behind one
 * fsync (or one database transaction) each. `exclusive` runs a function while nothing is being written (a
 * checkpoint); appends made meanwhile wait and are written after it.
 */

interface Waiter {
  text: string;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  readonly #write: (texts: string[]) => Promise<void>;
  readonly #name: string;
  #queue: Waiter[] = [];
  #flushing: Promise<void> | undefined;
  #exclusive = false;
  #exclusiveChain: Promise<void> = Promise.resolve();
  #closed = false;
  #kickQueued = false;

  /**
   * @param write makes a batch durable, all of it or none of it (it throws then)
   * @param name what is written, for the error after close
   */
  constructor(write: (texts: string[]) => Promise<void>, name: string) {
    this.#write = write;
    this.#name = name;
  }

  /** Queues one text; resolves once the batch that carries it is durable. */
  append(text: string): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`${this.#name} is closed`));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ text, resolve, reject });
      // not at once: the appends made by the callers that run before the next microtask join this batch
      if (!this.#kickQueued) {
        this.#kickQueued = true;
        queueMicrotask(() => {
          this.#kickQueued = false;
          this.#kick();
        });
      }
    });
  }

  /** Runs `fn` while nothing is written; appends made meanwhile wait and are written after. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#exclusiveChain;
    let release!: () => void;
    this.#exclusiveChain = new Promise<void>((r) => (release = r));
    await previous;
    this.#exclusive = true;
    try {
      await this.#flushing;
      return await fn();
    } finally {
      this.#exclusive = false;
      release();
      this.#kick();
    }
  }

  /** Resolves once everything appended so far is durable (or has failed). */
  async flush(): Promise<void> {
    for (;;) {
      await this.#exclusiveChain;
      if (this.#queue.length === 0 && this.#flushing === undefined) return;
      this.#kick();
      await this.#flushing;
    }
  }

  /** Flushes, then refuses further appends. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
  }

  #kick(): void {
    if (this.#flushing !== undefined || this.#exclusive || this.#queue.length === 0) return;
    this.#flushing = this.#flushAll().finally(() => {
      this.#flushing = undefined;
      this.#kick();
    });
  }

  async #flushAll(): Promise<void> {
    while (this.#queue.length > 0 && !this.#exclusive) {
      const batch = this.#queue.splice(0);
      try {
        await this.#write(batch.map((w) => w.text));
        for (const w of batch) w.resolve();
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
  }
}
