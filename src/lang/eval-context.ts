/**
 * What an expression can see when it is evaluated. The caller (the planner, or the
 * executor at apply time) builds it; the evaluator never touches files, clock or network
 * except through the capabilities given here.
 */
import type { Path, Value } from '../core/value.js';
import type { EvalBudget } from './eval-limits.js';

/** A value in scope, with the paths inside it that are sensitive ([] = all of it). */
export interface ScopedValue {
  value: Value;
  sensitivePaths?: Path[];
}

export interface EvalContext {
  /** `var.<name>` */
  variables: ReadonlyMap<string, ScopedValue>;
  /** `local.<name>`; undefined entries are locals not evaluated yet (a bug in ordering). */
  locals: ReadonlyMap<string, ScopedValue>;
  /** `each.key` / `each.value` inside a for_each resource. */
  each?: { key: string; value: ScopedValue };
  /** `count.index` inside a count resource. */
  count?: { index: number };
  /**
   * `self.<attr>`: the instance's own object, only inside a lifecycle postcondition (its
   * planned values at plan, its applied attributes after apply). Absent elsewhere.
   */
  self?: ScopedValue;
  /**
   * `type.name` (managed) or `data.type.name`: the block's value. For a single instance the
   * object of its attributes; with count a list; with for_each a map by key; UNKNOWN when
   * the set of instances itself is not known yet. undefined when no such block exists.
   */
  resource(mode: 'managed' | 'data', type: string, name: string): ScopedValue | undefined;
  /**
   * `module.NAME`: the outputs of a module call of this module, as an object (one instance),
   * a list (count) or a map by key (for_each); undefined when no such call exists.
   */
  module?(name: string): ScopedValue | undefined;
  /** `path.root`, `path.cwd`, `path.module`: directories, for `file()` paths. */
  paths: { root: string; cwd: string; module?: string };
  /**
   * Reads a file for `file()`; undefined when it does not exist. Injected by the edge. It
   * throws a `FileProblem` (file-problem.ts) when the path exists but cannot be used: not a
   * regular file, too large, unreadable, not UTF-8.
   */
  readFile?: (path: string) => string | undefined;
  /**
   * The step budget of this configuration evaluation. When absent, contexts sharing one
   * `locals` map share one budget (eval-limits.ts).
   */
  budget?: EvalBudget;
}
