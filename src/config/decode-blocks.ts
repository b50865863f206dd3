/**
 * Decoding the small blocks of a config file: variables, providers, locals and outputs.
 * (Resources and data sources are in decode-resource.ts.)
 */
import type { SourceLocation } from '../core/diagnostic.js';
import type { LocalDecl, OutputDecl, ProviderBlock, VariableDecl, VariableValidation } from './config-types.js';
import type { MapNode, Node } from '../yaml/node.js';
import { IDENTIFIER, PROVIDER_KEY } from './config-names.js';
import type { DecodeReport } from './decode-report.js';
import { nodeToValue } from '../yaml/node-value.js';
import { convertValue, describeGiven, parseVariableType } from './variable-type.js';

export function decodeVariable(name: string, keyLoc: SourceLocation, value: Node, report: DecodeReport): VariableDecl | undefined {
  if (!IDENTIFIER.test(name)) {
    report.shapeError(`Invalid variable name "${name}"`, keyLoc);
    return undefined;
  }
  const decl: VariableDecl = { name, type: 'any', sensitive: false, validations: [], loc: keyLoc };
  const body = asOptionalMap(value);
  if (!body) {
    report.shapeError(`Variable "${name}" must be a map such as { type: string, default: ... }`, value.loc);
    return undefined;
  }
  let defaultNode: Node | undefined;
  for (const e of body.entries) {
    const v = e.value;
    switch (e.key) {
      case 'type': {
        const type = v.kind === 'scalar' && typeof v.value === 'string' ? parseVariableType(v.value) : undefined;
        if (type) decl.type = type;
        else report.shapeError(`Invalid type of variable "${name}"`, v.loc);
        break;
      }
      case 'default':
        decl.default = v;
        defaultNode = v;
        break;
      case 'sensitive':
        if (v.kind === 'scalar' && typeof v.value === 'boolean') decl.sensitive = v.value;
        else report.shapeError(`sensitive of variable "${name}" must be true or false`, v.loc);
        break;
      case 'description':
        if (v.kind === 'scalar' && typeof v.value === 'string') decl.description = v.value;
        else report.shapeError(`description of variable "${name}" must be a string`, v.loc);
        break;
      case 'validation':
        decl.validations = decodeValidations(v, name, report);
        break;
      default:
        report.shapeError(`Unsupported attribute "${e.key}" in variable "${name}"`, e.keyLoc);
    }
  }
  const expression = defaultNode && findTemplate(defaultNode);
  if (expression) {
    report.semanticError(
      `Default value of variable "${name}" cannot contain an expression`,
      expression.loc,
      'Defaults are literal values; "${...}" is not evaluated in them. Compute derived values in locals: instead.',
    );
  } else if (defaultNode) {
    const given = nodeToValue(defaultNode);
    const converted = convertValue(given, decl.type);
    if (!converted.ok) {
      report.semanticError(
        `Default value of variable "${name}" must be ${converted.expected}, got ${describeGiven(given, decl.sensitive)}`,
        defaultNode.loc,
        `The variable is declared with type ${decl.type}.`,
      );
    }
  }
  return decl;
}

function decodeValidations(n: Node, name: string, report: DecodeReport): VariableValidation[] {
  const rules = n.kind === 'seq' ? n.items : [n];
  const out: VariableValidation[] = [];
  for (const rule of rules) {
    if (rule.kind !== 'map') {
      report.shapeError(`validation of variable "${name}" must be a rule { condition, error_message } or a list of rules`, rule.loc);
      continue;
    }
    let condition: Node | undefined;
    let errorMessage: string | undefined;
    for (const e of rule.entries) {
      if (e.key === 'condition') condition = e.value;
      else if (e.key === 'error_message' && e.value.kind === 'scalar' && typeof e.value.value === 'string') errorMessage = e.value.value;
      else report.shapeError(`Unsupported or invalid attribute "${e.key}" in a validation rule of variable "${name}"`, e.keyLoc);
    }
    if (condition === undefined || errorMessage === undefined) {
      report.shapeError(`A validation rule of variable "${name}" needs both condition and error_message`, rule.loc);
      continue;
    }
    out.push({ condition, errorMessage, loc: rule.loc });
  }
  return out;
}

export function decodeProvider(key: string, keyLoc: SourceLocation, value: Node, report: DecodeReport): ProviderBlock | undefined {
  const m = PROVIDER_KEY.exec(key);
  if (!m) {
    report.shapeError(
      `Invalid provider key "${key}": expected a provider type such as proxmox, or type.alias such as kuma.fun-bedbug`,
      keyLoc,
    );
    return undefined;
  }
  const body = asOptionalMap(value);
  if (!body) {
    report.shapeError(`Provider "${key}" must be a map of settings`, value.loc);
    return undefined;
  }
  const block: ProviderBlock = { key, type: m[1]!, body, loc: keyLoc };
  if (m[2] !== undefined) block.alias = m[2];
  return block;
}

export function decodeLocal(name: string, keyLoc: SourceLocation, value: Node, report: DecodeReport): LocalDecl | undefined {
  if (!IDENTIFIER.test(name)) {
    report.shapeError(`Invalid local name "${name}"`, keyLoc);
    return undefined;
  }
  return { name, value, loc: keyLoc };
}

export function decodeOutput(name: string, keyLoc: SourceLocation, value: Node, report: DecodeReport): OutputDecl | undefined {
  if (!IDENTIFIER.test(name)) {
    report.shapeError(`Invalid output name "${name}"`, keyLoc);
    return undefined;
  }
  if (value.kind !== 'map') {
    report.shapeError(`Output "${name}" must be a map such as { value: ... }`, value.loc);
    return undefined;
  }
  let outputValue: Node | undefined;
  const decl: Omit<OutputDecl, 'value'> = { name, sensitive: false, loc: keyLoc };
  for (const e of value.entries) {
    const v = e.value;
    if (e.key === 'value') outputValue = v;
    else if (e.key === 'sensitive' && v.kind === 'scalar' && typeof v.value === 'boolean') decl.sensitive = v.value;
    else if (e.key === 'description' && v.kind === 'scalar' && typeof v.value === 'string') decl.description = v.value;
    else report.shapeError(`Unsupported or invalid attribute "${e.key}" in output "${name}"`, e.keyLoc);
  }
  if (outputValue === undefined) {
    report.shapeError(`Missing required attribute "value" in output "${name}"`, value.loc);
    return undefined;
  }
  return { ...decl, value: outputValue };
}

/** The first string scalar holding `${` in a tree. */
function findTemplate(n: Node): Node | undefined {
  if (n.kind === 'scalar') return typeof n.value === 'string' && n.value.includes('${') ? n : undefined;
  for (const child of n.kind === 'map' ? n.entries.map((e) => e.value) : n.items) {
    const found = findTemplate(child);
    if (found) return found;
  }
  return undefined;
}

/** A map node, or an empty map for null (`proxmox:` with nothing after it). */
export function asOptionalMap(n: Node): MapNode | undefined {
  if (n.kind === 'map') return n;
  if (n.kind === 'scalar' && n.value === null) return { kind: 'map', entries: [], loc: n.loc };
  return undefined;
}
