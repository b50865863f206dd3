/**
 * The plan JSON's `checks`, in the shape of Terraform's (`terraform show -json`): one entry
 * per checkable object — a check block, or a resource with preconditions or postconditions —
 * with its status (pass, fail, error or unknown) and its instances', and the messages of the
 * rules that failed as `problems`.
 */
import { aggregateStatus, type ConditionResult, type ConditionStatus } from '../plan/condition-results.js';

export interface JsonCheckAddress {
  kind: 'check' | 'resource';
  to_display: string;
  name: string;
  mode?: 'managed';
  type?: string;
}

export interface JsonCheckInstance {
  address: { to_display: string; instance_key?: string | number };
  status: ConditionStatus;
  problems?: { message: string }[];
}

export interface JsonCheck {
  address: JsonCheckAddress;
  status: ConditionStatus;
  instances: JsonCheckInstance[];
}

export function checksToJson(results: readonly ConditionResult[]): JsonCheck[] {
  const objects = new Map<string, ConditionResult[]>();
  for (const r of results) {
    let list = objects.get(r.object);
    if (!list) objects.set(r.object, (list = []));
    list.push(r);
  }
  const out: JsonCheck[] = [];
  for (const [object, rs] of objects) {
    const instances = new Map<string, ConditionResult[]>();
    for (const r of rs) {
      let list = instances.get(r.address);
      if (!list) instances.set(r.address, (list = []));
      list.push(r);
    }
    out.push({
      address: objectAddress(object, rs[0]!.kind === 'check'),
      status: aggregateStatus(rs),
      instances: [...instances].map(([address, irs]) => {
        const key = instanceKey(object, address);
        const problems = irs.filter((r) => r.status === 'fail').map((r) => ({ message: r.message ?? '' }));
        return {
          address: { to_display: address, ...(key !== undefined ? { instance_key: key } : {}) },
          status: aggregateStatus(irs),
          ...(problems.length > 0 ? { problems } : {}),
        };
      }),
    });
  }
  return out;
}

function objectAddress(object: string, check: boolean): JsonCheckAddress {
  const dot = object.indexOf('.');
  if (check) return { kind: 'check', to_display: object, name: object.slice(dot + 1) };
  return { kind: 'resource', to_display: object, mode: 'managed', type: object.slice(0, dot), name: object.slice(dot + 1) };
}

/** `["pve"]` → "pve", `[0]` → 0; undefined for an instance without a key. */
function instanceKey(object: string, address: string): string | number | undefined {
  const rest = address.slice(object.length);
  if (!rest.startsWith('[') || !rest.endsWith(']')) return undefined;
  try {
    const key = JSON.parse(rest.slice(1, -1)) as unknown;
    return typeof key === 'string' || typeof key === 'number' ? key : undefined;
  } catch {
    return undefined;
  }
}
