/** Checks on the elements of function arguments, with messages naming the argument. */
import type { Value } from '../../core/value.js';
import { fail } from '../function-types.js';
import { describeType, primitiveToString } from '../value-text.js';

/** The elements of a list argument as strings; numbers and bools are converted. */
export function stringElements(list: readonly Value[], argIndex: number): string[] {
  const out = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) {
    const s = primitiveToString(list[i]!);
    if (s === undefined) fail(`argument ${argIndex + 1} must be a list of strings, element ${i} is ${describeType(list[i]!)}`, argIndex);
    out[i] = s;
  }
  return out;
}

export function numberElements(list: readonly Value[], argIndex: number): number[] {
  return list.map((v, i) => {
    if (typeof v !== 'number') fail(`argument ${argIndex + 1} must be a list of numbers, element ${i} is ${describeType(v)}`, argIndex);
    return v;
  });
}

export function boolElements(list: readonly Value[], argIndex: number): boolean[] {
  return list.map((v, i) => {
    if (typeof v !== 'boolean') fail(`argument ${argIndex + 1} must be a list of bools, element ${i} is ${describeType(v)}`, argIndex);
    return v;
  });
}
