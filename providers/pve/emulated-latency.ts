/**
 * `HL_EMULATED_PVE_LATENCY`: the latency model `hl emulate proxmox` starts with (the emulator's
 * fault settings `latencyMs`, `latencyJitterMs`, `workers`, `taskDurationMs`; see
 * emulator/request-workers.ts). Left unset, the emulator answers at once and serves any
 * number of requests together, as the tests want. The value is `pveproxy` (20 ms per request,
 * the 3 workers of PVE's pveproxy) or a list such as `request=20ms,jitter=5ms,workers=3,task=200ms`,
 * `pveproxy` allowed first with overrides after it. `POST /_emulator/faults` changes the
 * model at run time.
 */
import { ProviderError } from '../../src/provider/contract.js';
import type { FaultConfig } from './emulator/faults.js';

export const LATENCY_VAR = 'HL_EMULATED_PVE_LATENCY';

export type LatencySettings = Pick<FaultConfig, 'latencyMs' | 'latencyJitterMs' | 'workers' | 'taskDurationMs'>;

/** PVE's pveproxy: `max_workers => 3` (pve-manager PVE/Service/pveproxy.pm); 20 ms per call. */
export const PVEPROXY_LATENCY: LatencySettings = { latencyMs: 20, workers: 3 };

const KEYS: Record<string, keyof LatencySettings> = {
  request: 'latencyMs',
  jitter: 'latencyJitterMs',
  workers: 'workers',
  task: 'taskDurationMs',
};

/** The settings a value of HL_EMULATED_PVE_LATENCY names; throws a ProviderError saying what is wrong. */
export function parseLatencyProfile(text: string): LatencySettings {
  const out: LatencySettings = {};
  const bad = (why: string): ProviderError =>
    new ProviderError(
      `${LATENCY_VAR}="${text}": ${why}; expected "pveproxy" or a list like "request=20ms,jitter=5ms,workers=3,task=200ms"`,
    );
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  for (const [i, part] of parts.entries()) {
    if (part === 'pveproxy') {
      if (i > 0) throw bad('"pveproxy" may only come first');
      Object.assign(out, PVEPROXY_LATENCY);
      continue;
    }
    const m = /^([a-z]+)=(\d+(?:\.\d+)?)(ms)?$/.exec(part);
    const key = m ? KEYS[m[1]!] : undefined;
    if (!m || !key) throw bad(`"${part}" is not one of request=, jitter=, workers=, task=`);
    const n = Number(m[2]);
    if (key === 'workers') {
      if (m[3] !== undefined || !Number.isInteger(n) || n < 1) throw bad('workers must be a whole number of at least 1');
    } else if (m[3] === undefined) throw bad(`"${part}" needs its unit (ms)`);
    out[key] = n;
  }
  return out;
}

/** The settings in `env`, or undefined when the variable is unset or empty. */
export function latencyProfileFrom(env: Readonly<Record<string, string | undefined>>): LatencySettings | undefined {
  const text = env[LATENCY_VAR];
  if (text === undefined || text.trim() === '') return undefined;
  return parseLatencyProfile(text);
}
