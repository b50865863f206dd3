/**
 * Decoding one config file's node tree into its blocks (before files are merged).
 * Top-level keys: hl, variables, providers, locals, resources, data, modules, outputs, policies,
 * checks, and the refactoring blocks moved, import, removed (decode-refactoring-blocks.ts).
 */
import { decodeBackend } from './backend-block.js';
import type { CheckBlock, LocalDecl, ModuleCall, OutputDecl, ProviderBlock, ResourceBlock, VariableDecl } from './config-types.js';
import type { Node } from '../yaml/node.js';
import { asOptionalMap, decodeLocal, decodeOutput, decodeProvider, decodeVariable } from './decode-blocks.js';
import type { DecodeReport } from './decode-report.js';
import { decodeModuleCall } from './decode-module-call.js';
import { decodeResource } from './decode-resource.js';
import { decodeCheck } from './decode-conditions.js';
import { decodeRefactoringList, REFACTORING_KEYS, type DecodedRefactorings } from './decode-refactoring-blocks.js';
import { didYouMean } from '../core/suggest.js';

export const TOP_LEVEL_KEYS = [
  'hl',
  'variables',
  'providers',
  'locals',
  'resources',
  'data',
  'modules',
  'outputs',
  'policies',
  'checks',
  ...REFACTORING_KEYS,
] as const;

/** The only version of the configuration language. */
export const CONFIG_LANGUAGE_VERSION = 1;

export interface DecodedFile extends DecodedRefactorings {
  variables: VariableDecl[];
  providers: ProviderBlock[];
  locals: LocalDecl[];
  /** Managed resources and data sources. */
  resources: ResourceBlock[];
  outputs: OutputDecl[];
  policies: Node[];
  moduleCalls: ModuleCall[];
  checks: CheckBlock[];
}

export function decodeConfigFile(root: Node, report: DecodeReport): DecodedFile {
  const out: DecodedFile = {
    variables: [],
    providers: [],
    locals: [],
    resources: [],
    outputs: [],
    policies: [],
    moduleCalls: [],
    checks: [],
    moved: [],
    imports: [],
    removed: [],
  };
  if (root.kind !== 'map') {
    report.shapeError('A config file must be a map of top-level keys (variables, providers, resources, ...)', root.loc);
    return out;
  }
  for (const section of root.entries) {
    const v = section.value;
    switch (section.key) {
      case 'hl':
        checkSettings(v, report);
        continue;
      case 'policies':
        if (v.kind === 'seq') out.policies.push(...v.items);
        else if (!(v.kind === 'scalar' && v.value === null)) report.shapeError('policies must be a list', v.loc);
        continue;
      case 'moved':
      case 'import':
      case 'removed':
        decodeRefactoringList(section.key, v, out, report);
        continue;
    }
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(section.key)) {
      const suggestion = didYouMean(section.key, TOP_LEVEL_KEYS);
      report.shapeError(
        `Unsupported key "${section.key}" in the configuration file${suggestion ? `. Did you mean "${suggestion}"?` : ''}`,
        section.keyLoc,
      );
      continue;
    }
    const body = asOptionalMap(v);
    if (!body) {
      report.shapeError(`${section.key} must be a map`, v.loc);
      continue;
    }
    for (const e of body.entries) {
      switch (section.key) {
        case 'variables':
          push(out.variables, decodeVariable(e.key, e.keyLoc, e.value, report));
          break;
        case 'providers':
          push(out.providers, decodeProvider(e.key, e.keyLoc, e.value, report));
          break;
        case 'locals':
          push(out.locals, decodeLocal(e.key, e.keyLoc, e.value, report));
          break;
        case 'resources':
          push(out.resources, decodeResource('managed', e.key, e.keyLoc, e.value, report));
          break;
        case 'data':
          push(out.resources, decodeResource('data', e.key, e.keyLoc, e.value, report));
          break;
        case 'outputs':
          push(out.outputs, decodeOutput(e.key, e.keyLoc, e.value, report));
          break;
        case 'modules':
          push(out.moduleCalls, decodeModuleCall(e.key, e.keyLoc, e.value, report));
          break;
        case 'checks':
          push(out.checks, decodeCheck(e.key, e.keyLoc, e.value, report));
          break;
      }
    }
  }
  return out;
}

function checkSettings(n: Node, report: DecodeReport): void {
  if (n.kind !== 'map') {
    report.shapeError('hl settings must be a map such as { version: 1 }', n.loc);
    return;
  }
  for (const e of n.entries) {
    if (e.key === 'backend') {
      // read before everything else (backend-block.ts); checked here too, so hl validate tells
      decodeBackend(e.value, e.keyLoc, { shape: (d) => report.shape.push(d), semantic: (d) => report.semantic.push(d) });
      continue;
    }
    if (e.key !== 'version') report.shapeError(`Unsupported setting "hl.${e.key}"`, e.keyLoc);
    else if (!(e.value.kind === 'scalar' && e.value.value === CONFIG_LANGUAGE_VERSION)) {
      report.shapeError(`Setting "hl.version" must be ${CONFIG_LANGUAGE_VERSION}`, e.value.loc);
    }
  }
}

function push<T>(list: T[], item: T | undefined): void {
  if (item !== undefined) list.push(item);
}
