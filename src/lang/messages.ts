/** Wording shared by syntax and evaluation errors. */
import { didYouMean } from '../core/suggest.js';

/** `. Did you mean "name"?` when a close candidate exists, else the empty string. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const s = didYouMean(word, candidates);
  return s === undefined ? '' : `. Did you mean "${s}"?`;
}

export function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/**
 * Names may contain "-", so `count.index-1` is one name. When the part before a "-" would
 * have been valid, explain how to write a subtraction.
 */
export function subtractionHint(name: string, isValid: (prefix: string) => boolean, qualifier = ''): string | undefined {
  const dash = name.indexOf('-');
  if (dash <= 0 || !isValid(name.slice(0, dash))) return undefined;
  const whole = `${qualifier}${name}`;
  const subtraction = `${qualifier}${name.slice(0, dash)} - ${name.slice(dash + 1)}`;
  return `Names may contain "-", so "${whole}" is read as one name. For subtraction, put spaces around the minus: ${subtraction}.`;
}
