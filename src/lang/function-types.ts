/** The shape of a built-in function: its parameters, how it treats unknowns, its body. */
import type { Value } from '../core/value.js';
import type { EvalContext } from './eval-context.js';

/**
 * Parameter types, checked before the body runs. `any` accepts everything including null;
 * `collection` is a list or a map; `integer` a whole number.
 */
export type ParamType = 'string' | 'number' | 'integer' | 'bool' | 'list' | 'map' | 'collection' | 'any';

export interface Param {
  name: string;
  type: ParamType;
}

export interface FunctionDef {
  /** Required parameters. */
  params: readonly Param[];
  /** Optional parameters after the required ones. */
  optional?: readonly Param[];
  /** Any number of further arguments of this type. */
  variadic?: Param;
  /**
   * How unknown arguments are treated. By default any argument containing an unknown makes
   * the result unknown. `nested`: the body gets arguments that contain unknowns below the top
   * level (a list with an unknown element) and handles them; an argument that is itself
   * unknown still makes the result unknown.
   */
  unknowns?: 'nested';
  body(args: Value[], call: CallContext): Value;
}

export interface CallContext {
  /** The function's name, for messages. */
  name: string;
  ctx: EvalContext;
}

/**
 * A user error inside a function body: the message (without the `name:` prefix) and the
 * argument it is about (0-based), if any. Thrown by bodies, caught by the caller; not an
 * `Error` so no stack is built.
 */
export class FunctionError {
  constructor(
    readonly message: string,
    readonly argIndex?: number,
  ) {}
}

export function fail(message: string, argIndex?: number): never {
  throw new FunctionError(message, argIndex);
}
