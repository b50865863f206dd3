/**
 * Decoding a resource or data source block: the key into type and name, and the
 * meta-arguments (provider, count, for_each, depends_on, lifecycle) out of the body. What
 * remains in the body are the type's own attributes, checked later against its schema.
 */
import { blockAddress, providerTypeOf } from '../core/address.js';
import type { SourceLocation } from '../core/diagnostic.js';
import type { DependsOn, Lifecycle, ResourceBlock } from './config-types.js';
import type { MapEntry, Node } from '../yaml/node.js';
import { ATTRIBUTE_PATH, DATA_KEY, dependsOnAddress, PROVIDER_KEY, RESOURCE_KEY } from './config-names.js';
import type { DecodeReport } from './decode-report.js';
import { decodeConditionRules } from './decode-conditions.js';

export const META_ARGUMENTS = ['provider', 'count', 'for_each', 'depends_on', 'lifecycle'] as const;

export function decodeResource(
  mode: 'managed' | 'data',
  key: string,
  keyLoc: SourceLocation,
  value: Node,
  report: DecodeReport,
): ResourceBlock | undefined {
  const what = mode === 'data' ? 'data source' : 'resource';
  const m = (mode === 'data' ? DATA_KEY : RESOURCE_KEY).exec(key);
  if (!m) {
    report.shapeError(
      `Invalid ${what} key "${key}": expected TYPE.NAME such as ${mode === 'data' ? 'maas_subnet.lan' : 'proxmox_vm.k3s'}`,
      keyLoc,
    );
    return undefined;
  }
  const type = m[1]!;
  const name = m[2]!;
  const address = blockAddress({ mode, type, name });
  const isNull = value.kind === 'scalar' && value.value === null;
  if (!isNull && value.kind !== 'map') {
    report.shapeError(`${address} must be a map of attributes`, value.loc);
    return undefined;
  }

  const block: ResourceBlock = {
    mode,
    address,
    module: '',
    type,
    name,
    provider: providerTypeOf(type),
    dependsOn: [],
    lifecycle: defaultLifecycle(),
    body: { kind: 'map', entries: [], loc: value.loc },
    loc: keyLoc,
  };
  const attributes: MapEntry[] = [];
  const repetition: MapEntry[] = [];
  for (const entry of value.kind === 'map' ? value.entries : []) {
    switch (entry.key) {
      case 'provider':
        decodeProvider(entry, block, report);
        break;
      case 'count':
        if (isCount(entry.value)) block.count = entry.value;
        else report.shapeError(`count of ${address} must be a whole number of at least 0 or an expression`, entry.value.loc);
        repetition.push(entry);
        break;
      case 'for_each':
        if (isForEach(entry.value)) block.forEach = entry.value;
        else report.shapeError(`for_each of ${address} must be a map, a list of strings or an expression`, entry.value.loc);
        repetition.push(entry);
        break;
      case 'depends_on':
        block.dependsOn = decodeDependsOn(entry.value, address, report);
        break;
      case 'lifecycle':
        if (mode === 'data') report.shapeError('lifecycle is not supported on data sources', entry.keyLoc);
        else block.lifecycle = decodeLifecycle(entry, address, report);
        break;
      default:
        attributes.push(entry);
    }
  }
  if (repetition.length > 1) {
    report.shapeError('count and for_each cannot both be set; use one of them', laterOf(repetition[0]!, repetition[1]!).keyLoc);
  }
  block.body = { kind: 'map', entries: attributes, loc: value.loc };
  return block;
}

function defaultLifecycle(): Lifecycle {
  return { preventDestroy: false, createBeforeDestroy: false, ignoreChanges: [], replaceTriggeredBy: [] };
}

function decodeProvider(entry: MapEntry, block: ResourceBlock, report: DecodeReport): void {
  const v = entry.value;
  if (v.kind === 'scalar' && typeof v.value === 'string' && PROVIDER_KEY.test(v.value)) {
    block.provider = v.value;
    block.providerLoc = v.loc;
  } else {
    report.shapeError(`provider of ${block.address} must be a provider key such as proxmox or kuma.fun-bedbug`, v.loc);
  }
}

export function isCount(n: Node): boolean {
  if (n.kind !== 'scalar') return false;
  return typeof n.value === 'string' || (typeof n.value === 'number' && Number.isInteger(n.value) && n.value >= 0);
}

export function isForEach(n: Node): boolean {
  if (n.kind === 'map') return true;
  if (n.kind === 'seq') return n.items.every((i) => i.kind === 'scalar' && typeof i.value === 'string');
  return typeof n.value === 'string';
}

export function decodeDependsOn(n: Node, address: string, report: DecodeReport): DependsOn[] {
  if (n.kind !== 'seq') {
    report.shapeError(`depends_on of ${address} must be a list of block addresses`, n.loc);
    return [];
  }
  const out: DependsOn[] = [];
  for (const item of n.items) {
    const ref = item.kind === 'scalar' && typeof item.value === 'string' ? dependsOnAddress(item.value) : undefined;
    if (ref === undefined) report.shapeError(`depends_on entries must be block addresses such as maas_device.k3s`, item.loc);
    else out.push({ ref, loc: item.loc });
  }
  return out;
}

function decodeLifecycle(entry: MapEntry, address: string, report: DecodeReport): Lifecycle {
  const lifecycle: Lifecycle = { ...defaultLifecycle(), loc: entry.keyLoc };
  const n = entry.value;
  if (n.kind !== 'map') {
    report.shapeError(`lifecycle of ${address} must be a map`, n.loc);
    return lifecycle;
  }
  for (const e of n.entries) {
    const v = e.value;
    switch (e.key) {
      case 'prevent_destroy':
      case 'create_before_destroy':
        if (v.kind === 'scalar' && typeof v.value === 'boolean') {
          if (e.key === 'prevent_destroy') lifecycle.preventDestroy = v.value;
          else lifecycle.createBeforeDestroy = v.value;
        } else {
          report.shapeError(`lifecycle.${e.key} must be true or false`, v.loc);
        }
        break;
      case 'migrate':
        if (v.kind === 'scalar' && typeof v.value === 'boolean') lifecycle.migrate = v.value;
        else report.shapeError('lifecycle.migrate must be true or false', v.loc);
        break;
      case 'on_drift':
        if (v.kind === 'scalar' && (v.value === 'report' || v.value === 'revert')) lifecycle.onDrift = v.value;
        else report.shapeError('lifecycle.on_drift must be report or revert', v.loc);
        break;
      case 'ignore_changes':
        lifecycle.ignoreChanges = decodeIgnoreChanges(v, report);
        break;
      case 'replace_triggered_by':
        if (v.kind === 'seq') lifecycle.replaceTriggeredBy = v.items;
        else report.shapeError('lifecycle.replace_triggered_by must be a list', v.loc);
        break;
      case 'precondition':
        lifecycle.preconditions = decodeConditionRules(v, `a precondition of ${address}`, report);
        break;
      case 'postcondition':
        lifecycle.postconditions = decodeConditionRules(v, `a postcondition of ${address}`, report);
        break;
      default:
        report.shapeError(`Unsupported attribute "lifecycle.${e.key}" in ${address}`, e.keyLoc);
    }
  }
  return lifecycle;
}

function decodeIgnoreChanges(v: Node, report: DecodeReport): Lifecycle['ignoreChanges'] {
  if (v.kind === 'scalar' && v.value === 'all') return 'all';
  if (v.kind !== 'seq') {
    report.shapeError('lifecycle.ignore_changes must be "all" or a list of attribute paths', v.loc);
    return [];
  }
  const out: { path: string; loc: SourceLocation }[] = [];
  for (const item of v.items) {
    if (item.kind === 'scalar' && typeof item.value === 'string' && ATTRIBUTE_PATH.test(item.value))
      out.push({ path: item.value, loc: item.loc });
    else report.shapeError('lifecycle.ignore_changes entries must be attribute paths such as description or disks.scsi0.size', item.loc);
  }
  return out;
}

export function laterOf(a: MapEntry, b: MapEntry): MapEntry {
  const ka = a.keyLoc;
  const kb = b.keyLoc;
  return kb.line > ka.line || (kb.line === ka.line && kb.col > ka.col) ? b : a;
}
