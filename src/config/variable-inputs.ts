/**
 * Variable values given from outside the config (pure): `HL_VAR_<name>` environment
 * variables, `--var-file` files and `--var name=value` flags, later sources winning in
 * that order; then resolving them against the declarations: conversion to the declared
 * type, defaults, required variables, undeclared inputs.
 *
 * Validation rules (`validation: { condition, error_message }`) need the expression
 * evaluator: `resolveVariables` runs them through the `checkValidations` hook when one
 * is given; otherwise the caller (the planner) must evaluate them.
 */
import { error, formatLocation, warning, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';
import type { Value } from '../core/value.js';
import type { ConfigFile, VariableDecl } from './config-types.js';
import { IDENTIFIER } from './config-names.js';
import { nodeToValue } from '../yaml/node-value.js';
import { didYouMean } from '../core/suggest.js';
import { convertText, convertValue, describeGiven } from './variable-type.js';
import { parseYamlFile } from '../yaml/yaml-to-node.js';

export const ENV_PREFIX = 'HL_VAR_';

export interface VariableInput {
  /** Text (to be parsed by the declared type) or an already typed value. */
  raw: string | Value;
  /** 'text' from --var and the environment, 'value' from a var file. */
  kind: 'text' | 'value';
  /** For messages: `--var`, `--var-file secrets.yaml`, `environment variable HL_VAR_x`. */
  source: string;
  /** Where it was written, for var files. */
  loc?: SourceLocation;
}

export type VariableInputs = Map<string, VariableInput>;

export interface CollectedInputs {
  inputs: VariableInputs;
  diagnostics: Diagnostic[];
}

export interface InputSources {
  /** The environment; only `HL_VAR_*` entries are used. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Contents of --var-file files, in the order given. */
  varFiles?: readonly ConfigFile[];
  /** --var flags, `name=value`, in the order given. */
  vars?: readonly string[];
}

/** All inputs, with precedence environment < var files < --var (later wins). */
export function collectVariableInputs(sources: InputSources): CollectedInputs {
  const inputs: VariableInputs = varsFromEnv(sources.env ?? {});
  const diagnostics: Diagnostic[] = [];
  for (const file of sources.varFiles ?? []) {
    const r = parseVarFile(file);
    diagnostics.push(...r.diagnostics);
    for (const [k, v] of r.inputs) inputs.set(k, v);
  }
  const flags = parseVarFlags(sources.vars ?? []);
  diagnostics.push(...flags.diagnostics);
  for (const [k, v] of flags.inputs) inputs.set(k, v);
  return { inputs, diagnostics };
}

/** `HL_VAR_domain=maas` → domain. */
export function varsFromEnv(env: Readonly<Record<string, string | undefined>>): VariableInputs {
  const out: VariableInputs = new Map();
  for (const key of Object.keys(env).sort()) {
    const text = env[key];
    if (!key.startsWith(ENV_PREFIX) || text === undefined) continue;
    const name = key.slice(ENV_PREFIX.length);
    if (name === '') continue;
    out.set(name, { raw: text, kind: 'text', source: `environment variable ${key}` });
  }
  return out;
}

/** `--var name=value` flags; the value is everything after the first `=`. */
export function parseVarFlags(flags: readonly string[]): CollectedInputs {
  const inputs: VariableInputs = new Map();
  const diagnostics: Diagnostic[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const name = eq < 0 ? flag : flag.slice(0, eq).trim();
    if (eq < 0) {
      diagnostics.push(error(`Invalid --var "${flag}": expected NAME=VALUE`, undefined, `For example --var ${flag || 'domain'}=VALUE.`));
      continue;
    }
    if (!IDENTIFIER.test(name)) {
      diagnostics.push(
        error(`Invalid --var "${flag}": "${name}" is not a variable name`, undefined, 'Variable names are letters, digits, _ and -.'),
      );
      continue;
    }
    inputs.set(name, { raw: flag.slice(eq + 1), kind: 'text', source: '--var' });
  }
  return { inputs, diagnostics };
}

/** A `--var-file`: a YAML (or JSON) map of variable names to values. */
export function parseVarFile(file: ConfigFile): CollectedInputs {
  const inputs: VariableInputs = new Map();
  const parsed = parseYamlFile(file);
  const diagnostics = [...parsed.diagnostics];
  if (!parsed.node) return { inputs, diagnostics };
  if (parsed.node.kind !== 'map') {
    diagnostics.push(
      error(
        `Variable file "${file.path}" must be a map of variable names to values`,
        parsed.node.loc,
        'For example:\n  domain: maas\n  vmids: [107, 120]',
      ),
    );
    return { inputs, diagnostics };
  }
  for (const e of parsed.node.entries) {
    if (!IDENTIFIER.test(e.key)) {
      diagnostics.push(error(`Invalid variable name "${e.key}" in variable file`, e.keyLoc));
      continue;
    }
    inputs.set(e.key, { raw: nodeToValue(e.value), kind: 'value', source: `--var-file ${file.path}`, loc: e.keyLoc });
  }
  return { inputs, diagnostics };
}

export interface ResolvedVariable {
  value: Value;
  /** Where the value came from: an input's source, or `default`. */
  source: string;
  sensitive: boolean;
}

export interface ResolvedVariables {
  values: Map<string, ResolvedVariable>;
  diagnostics: Diagnostic[];
}

export interface ResolveOptions {
  /**
   * Checks a variable's validation rules against its value (needs the expression
   * evaluator). Called for every variable that has rules and a value.
   */
  checkValidations?: (decl: VariableDecl, value: Value) => Diagnostic[];
}

export function resolveVariables(
  decls: ReadonlyMap<string, VariableDecl>,
  inputs: ReadonlyMap<string, VariableInput>,
  options: ResolveOptions = {},
): ResolvedVariables {
  const values = new Map<string, ResolvedVariable>();
  const diagnostics: Diagnostic[] = [];
  for (const decl of decls.values()) {
    const input = inputs.get(decl.name);
    let resolved: ResolvedVariable | undefined;
    if (input) {
      const converted =
        input.kind === 'text' && typeof input.raw === 'string' ? convertText(input.raw, decl.type) : convertValue(input.raw, decl.type);
      if (converted.ok) resolved = { value: converted.value, source: input.source, sensitive: decl.sensitive };
      else {
        diagnostics.push(
          error(
            `Invalid value for variable "${decl.name}" from ${input.source}: must be ${converted.expected}, got ${describeGiven(input.kind === 'text' ? (input.raw as string) : input.raw, decl.sensitive)}`,
            input.loc ?? decl.loc,
            `The variable is declared at ${formatLocation(decl.loc)} with type ${decl.type}.`,
          ),
        );
      }
    } else if (decl.default !== undefined) {
      const given = nodeToValue(decl.default);
      const converted = convertValue(given, decl.type);
      if (converted.ok) resolved = { value: converted.value, source: 'default', sensitive: decl.sensitive };
      else {
        diagnostics.push(
          error(
            `Default value of variable "${decl.name}" must be ${converted.expected}, got ${describeGiven(given, decl.sensitive)}`,
            decl.default.loc,
          ),
        );
      }
    } else {
      diagnostics.push(
        error(
          `No value for required variable "${decl.name}"`,
          decl.loc,
          `Set it with --var ${decl.name}=VALUE, in a --var-file, or with the environment variable ${ENV_PREFIX}${decl.name}.`,
        ),
      );
    }
    if (!resolved) continue;
    values.set(decl.name, resolved);
    if (options.checkValidations && decl.validations.length > 0) diagnostics.push(...options.checkValidations(decl, resolved.value));
  }
  for (const [name, input] of inputs) {
    if (decls.has(name)) continue;
    const suggestion = didYouMean(name, decls.keys());
    const summary = `Value given for undeclared variable "${name}" (from ${input.source})${suggestion ? `. Did you mean "${suggestion}"?` : ''}`;
    // The environment is shared with other projects: an unused HL_VAR_ is only a warning.
    diagnostics.push(
      (input.kind === 'text' && input.source.startsWith('environment') ? warning : error)(
        summary,
        input.loc,
        'Declare it under variables: or remove it.',
      ),
    );
  }
  return { values, diagnostics };
}
