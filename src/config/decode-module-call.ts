/**
 * Decoding a `modules:` entry: a call of a module in a local directory.
 *
 *   modules:
 *     k3s_node:                       # or module.k3s_node
 *       source: ./modules/k3s-node    # a local directory, relative to the calling file
 *       for_each: ${local.k3s_nodes}  # or count; optional
 *       depends_on: [maas_subnet.lan] # optional
 *       providers: { kuma.primary: kuma.fun-bedbug }   # optional: the module's key → the caller's
 *       name: ${each.key}             # every other key is an input of the module's variables
 */
import type { SourceLocation } from '../core/diagnostic.js';
import type { ModuleCall } from './config-types.js';
import type { MapEntry, Node } from '../yaml/node.js';
import { IDENTIFIER, PROVIDER_KEY } from './config-names.js';
import type { DecodeReport } from './decode-report.js';
import { decodeDependsOn, isCount, isForEach, laterOf } from './decode-resource.js';

/** The keys of a module block that are not inputs. */
export const MODULE_META_ARGUMENTS = ['source', 'count', 'for_each', 'depends_on', 'providers'] as const;

/** Keys Terraform has on module blocks that hl does not take, with why. */
const UNSUPPORTED: Record<string, string> = {
  version: 'hl modules are local directories; there is no registry, so no version to pick',
  lifecycle: 'lifecycle belongs on the resources inside the module',
  provider: 'a module takes a map of providers: write providers: { proxmox: proxmox.other }',
};

export function decodeModuleCall(key: string, keyLoc: SourceLocation, value: Node, report: DecodeReport): ModuleCall | undefined {
  const name = key.startsWith('module.') ? key.slice('module.'.length) : key;
  if (!IDENTIFIER.test(name)) {
    report.shapeError(`Invalid module name "${key}": expected a name such as k3s_node (or module.k3s_node)`, keyLoc);
    return undefined;
  }
  if (value.kind !== 'map') {
    report.shapeError(`module.${name} must be a map with at least source: ./path/to/module`, value.loc);
    return undefined;
  }
  const call: ModuleCall = {
    name,
    source: '',
    sourceLoc: keyLoc,
    dependsOn: [],
    providers: new Map(),
    inputs: new Map(),
    loc: keyLoc,
  };
  const repetition: MapEntry[] = [];
  let hasSource = false;
  for (const e of value.entries) {
    const v = e.value;
    switch (e.key) {
      case 'source':
        if (v.kind === 'scalar' && typeof v.value === 'string' && isLocalPath(v.value)) {
          call.source = v.value;
          call.sourceLoc = v.loc;
          hasSource = true;
        } else {
          report.shapeError(
            `source of module.${name} must be a local directory starting with ./ or ../, such as ./modules/k3s-node`,
            v.loc,
            'hl loads modules only from the config repository itself: no registry, git or http sources, and no expressions.',
          );
          hasSource = true;
        }
        break;
      case 'count':
        if (isCount(v)) call.count = v;
        else report.shapeError(`count of module.${name} must be a whole number of at least 0 or an expression`, v.loc);
        repetition.push(e);
        break;
      case 'for_each':
        if (isForEach(v)) call.forEach = v;
        else report.shapeError(`for_each of module.${name} must be a map, a list of strings or an expression`, v.loc);
        repetition.push(e);
        break;
      case 'depends_on':
        call.dependsOn = decodeDependsOn(v, `module.${name}`, report);
        break;
      case 'providers':
        decodeProviders(v, call, report);
        break;
      default:
        if (e.key in UNSUPPORTED) report.shapeError(`"${e.key}" is not supported on a module block: ${UNSUPPORTED[e.key]}`, e.keyLoc);
        else if (!IDENTIFIER.test(e.key)) report.shapeError(`Invalid input name "${e.key}" in module.${name}`, e.keyLoc);
        else call.inputs.set(e.key, { value: v, loc: e.keyLoc });
    }
  }
  if (!hasSource) {
    report.shapeError(`module.${name} needs a source: the module's directory, such as ./modules/k3s-node`, keyLoc);
    return undefined;
  }
  if (repetition.length > 1) {
    report.shapeError('count and for_each cannot both be set; use one of them', laterOf(repetition[0]!, repetition[1]!).keyLoc);
  }
  return call;
}

function decodeProviders(v: Node, call: ModuleCall, report: DecodeReport): void {
  if (v.kind !== 'map') {
    report.shapeError(`providers of module.${call.name} must be a map such as { kuma: kuma.fun-bedbug }`, v.loc);
    return;
  }
  for (const e of v.entries) {
    const target = e.value;
    if (!PROVIDER_KEY.test(e.key)) {
      report.shapeError(`Invalid provider key "${e.key}" in providers of module.${call.name}`, e.keyLoc);
    } else if (target.kind !== 'scalar' || typeof target.value !== 'string' || !PROVIDER_KEY.test(target.value)) {
      report.shapeError(
        `providers.${e.key} of module.${call.name} must be a provider key of the calling module, such as kuma.fun-bedbug`,
        target.loc,
      );
    } else if (e.key.split('.')[0] !== target.value.split('.')[0]) {
      report.shapeError(
        `providers.${e.key} of module.${call.name} must be a "${e.key.split('.')[0]}" provider, not "${target.value}"`,
        target.loc,
      );
    } else call.providers.set(e.key, { key: target.value, loc: target.loc });
  }
}

function isLocalPath(s: string): boolean {
  return (s.startsWith('./') || s.startsWith('../') || s === '.' || s === '..') && !s.includes('${') && !s.includes('\0');
}
