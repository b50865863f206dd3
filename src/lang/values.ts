/** Building maps from user-chosen keys safely: a key such as `__proto__` is just a key. */
import type { Value, ValueMap } from '../core/value.js';

export function setEntry(map: ValueMap, key: string, value: Value): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

export function hasEntry(map: ValueMap, key: string): boolean {
  return Object.hasOwn(map, key);
}
