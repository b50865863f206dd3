/** Numeric functions. */
import type { Value } from '../../core/value.js';
import { fail, type FunctionDef } from '../function-types.js';

const num = (name = 'number') => ({ name, type: 'number' as const });

export const NUMERIC_FUNCTIONS: Record<string, FunctionDef> = {
  min: { params: [num()], variadic: num('numbers'), body: (args) => Math.min(...(args as number[])) },
  max: { params: [num()], variadic: num('numbers'), body: (args) => Math.max(...(args as number[])) },
  abs: { params: [num()], body: (args) => Math.abs(args[0] as number) },
  ceil: { params: [num()], body: (args) => Math.ceil(args[0] as number) },
  floor: { params: [num()], body: (args) => Math.floor(args[0] as number) },
  signum: { params: [num()], body: (args) => Math.sign(args[0] as number) },
  pow: {
    params: [num('base'), num('exponent')],
    body: (args) => {
      const r = (args[0] as number) ** (args[1] as number);
      if (!Number.isFinite(r)) fail('the result is not a finite number');
      return r;
    },
  },
  log: {
    params: [num(), num('base')],
    body: (args) => {
      const [n, base] = args as number[];
      if (n! <= 0 || base! <= 0 || base === 1) fail('the number and the base must be positive and the base must not be 1');
      return Math.log(n!) / Math.log(base!);
    },
  },
  parseint: {
    params: [
      { name: 'string', type: 'string' },
      { name: 'base', type: 'integer' },
    ],
    body: (args): Value => {
      const [text, base] = [args[0] as string, args[1] as number];
      if (base < 2 || base > 62) fail(`the base must be between 2 and 62, got ${base}`, 1);
      const digits = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
      const alphabet = base <= 36 ? digits.slice(0, base) + digits.slice(10, base).toUpperCase() : digits.slice(0, base);
      const neg = text.startsWith('-');
      const body = text.replace(/^[+-]/, '');
      if (body === '' || [...body].some((c) => !alphabet.includes(c)))
        fail(`cannot parse ${JSON.stringify(text)} as a base ${base} integer`, 0);
      let n = 0;
      for (const c of body) {
        const d = base <= 36 ? parseInt(c, 36) : digits.indexOf(c);
        n = n * base + d;
      }
      return neg ? -n : n;
    },
  },
};
