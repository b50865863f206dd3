/**
 * The expression language of hl configs: YAML string scalars may hold HCL-like `${ ... }`
 * templates. A string that is exactly one `${expr}` keeps the expression's type; otherwise
 * the parts are interpolated into a string; `$${` is a literal `${`.
 *
 * The package parses each scalar once (cached per node), collects the references a node
 * tree makes (for the dependency graph), and evaluates node trees against an `EvalContext`,
 * propagating UNKNOWN (known after apply) and sensitivity. User errors are diagnostics
 * located at the offending token. This file is the package's public surface.
 */
export type { EvalContext, ScopedValue } from './eval-context.js';
export { evaluateExpressionText, evaluateNode, type EvalResult } from './evaluate-node.js';
export { FUNCTION_NAMES } from './functions.js';
export { nodeReferences } from './node-references.js';
export { parseTraversal, type Reference } from './reference.js';
