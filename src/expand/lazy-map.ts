/** A read-only map whose values are computed on first access and memoized. */
export class LazyMap<V> implements ReadonlyMap<string, V> {
  private readonly cache = new Map<string, V>();

  constructor(
    private readonly names: ReadonlySet<string> | ReadonlyMap<string, unknown>,
    private readonly compute: (name: string) => V,
  ) {}

  get(name: string): V | undefined {
    if (!this.names.has(name)) return undefined;
    let v = this.cache.get(name);
    if (v === undefined && !this.cache.has(name)) {
      v = this.compute(name);
      this.cache.set(name, v);
    }
    return v;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  get size(): number {
    return this.names.size;
  }

  *keys(): MapIterator<string> {
    yield* this.names.keys();
  }

  *values(): MapIterator<V> {
    for (const k of this.names.keys()) yield this.get(k)!;
  }

  *entries(): MapIterator<[string, V]> {
    for (const k of this.names.keys()) yield [k, this.get(k)!];
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(cb: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) cb(v, k, this);
  }
}
