/**
 * `hl watch --heartbeat ADDRESS`: after each cycle, a heartbeat to a monitor hl itself manages
 * (an Uptime Kuma push monitor, `kuma_monitor.hl_watch` with `type: push`), so that a watcher
 * that dies, hangs or is stopped stops sending and the monitor pages someone. The engine
 * knows no monitor type: the resource's provider says which resources take heartbeats and
 * sends them (its `heartbeat` hook, src/provider/contract.ts).
 *
 * At start-up the address must name a managed resource in state (applied) that its
 * provider's check accepts; otherwise the watcher does not start: one asked to page when it
 * dies that cannot must not run as if it could (and a monitor not yet applied is created by
 * `hl apply`, not by the watcher, which creates nothing unattended unless a policy allows
 * it). The check's warnings (a paused monitor, an interval shorter than the watcher's) are
 * reported and the watcher starts.
 *
 * After a cycle that went well it sends `up` with the cycle's duration as the ping; after a
 * failed one, `down` with a short reason (counts, never attribute values). A `down` pages at
 * once with the reason in Kuma's message (after `max_retries` failed cycles in a row, when
 * set), where saying nothing would page only after the monitor's interval, as "No heartbeat
 * in the time window", the same words as for a dead watcher.
 *
 * Each heartbeat reads the resource from state again (a replaced monitor has a new token)
 * and configures only its provider instance, after the cycle closed its own. It never fails
 * nor holds a cycle: it gives up after `timeoutMs`, and a failure is a `heartbeat_failed`
 * warning, redacted; the monitor, hearing nothing, pages after its interval.
 */
import { blockAddress, formatAddress, parseAddress } from '../../core/address.js';
import { DiagnosticsError, error, hasErrors, warning, type Diagnostic } from '../../core/diagnostic.js';
import { stringsIn } from '../../core/redact.js';
import { didYouMean } from '../../core/suggest.js';
import { getPath } from '../../core/value.js';
import type { ResourceBlock } from '../../config/config-types.js';
import type { HeartbeatHook } from '../../provider/contract.js';
import type { ResourceState } from '../../state/state-types.js';
import { findNodeAtPath } from '../../yaml/node-path.js';
import type { EngineEvents } from '../engine-events.js';
import type { PlanInputs } from '../plan-in-workspace.js';
import { openProviderSession } from '../provider-session.js';
import { openWorkspace, type WorkspaceOptions } from '../workspace.js';
import type { CycleSummary, WatchEvents } from './watch-events.js';
import { JITTER } from './watch-schedule.js';

/** How long a heartbeat may take, the provider's start and its own timeout included. */
export const HEARTBEAT_TIMEOUT_MS = 30_000;

export interface HeartbeatOptions {
  /** The resource's address, as given (--heartbeat). */
  address: string;
  workspace: WorkspaceOptions;
  intervalMs: number;
  /** One cycle (--once): the time to the next heartbeat is unknown. */
  once: boolean;
  timeoutMs?: number;
}

export interface WatchHeartbeat {
  readonly address: string;
  /** Sends the cycle's heartbeat; never throws, never takes longer than its timeout. */
  afterCycle(summary: CycleSummary, cycle: number, inputs: PlanInputs): Promise<void>;
}

const OPTION = '--heartbeat';

/** Checks the address; undefined after reporting why the watcher cannot send its heartbeats. */
export async function startHeartbeat(opts: HeartbeatOptions, inputs: PlanInputs, events: WatchEvents): Promise<WatchHeartbeat | undefined> {
  const found = await findTarget(opts, inputs, events);
  events.diagnostics(found.diagnostics, { files: inputs.project.files });
  if (!found.address || hasErrors(found.diagnostics)) return undefined;
  const address = found.address;
  return {
    address,
    afterCycle: (summary, cycle, current) => sendAfterCycle(address, opts, summary, cycle, current, events),
  };
}

/** The address resolved against state and config, with what the provider's check says of it. */
async function findTarget(
  opts: HeartbeatOptions,
  inputs: PlanInputs,
  events: EngineEvents,
): Promise<{ address?: string; diagnostics: Diagnostic[] }> {
  const addr = parseAddress(opts.address);
  if (!addr || addr.mode === 'data') {
    const what = addr ? 'a data source, which takes no heartbeats' : 'not a resource address';
    return {
      diagnostics: [
        error(
          `Invalid value for ${OPTION}: "${opts.address}" is ${what}`,
          undefined,
          'Name a push monitor hl manages, such as kuma_monitor.hl_watch.',
        ),
      ],
    };
  }
  const address = formatAddress(addr);
  const block = inputs.project.config.resources.get(blockAddress(addr));
  const managed = block?.mode === 'managed' ? block : undefined;
  const state = await readState(opts.workspace, events);
  if (!Array.isArray(state)) return { diagnostics: state.diagnostics };
  const entry = state.find((r) => r.mode === 'managed' && r.address === address);
  if (!entry) {
    if (managed)
      return {
        diagnostics: [
          error(
            `${OPTION} ${address}: it is not in the state yet`,
            managed.loc,
            `Apply it first (hl apply --target ${address}): the watcher creates nothing unattended unless a policy rule allows it.`,
          ),
        ],
      };
    const known = [...state.filter((r) => r.mode === 'managed').map((r) => r.address), ...inputs.project.config.resources.keys()];
    const s = didYouMean(address, known);
    return {
      diagnostics: [
        error(
          `${OPTION} ${address}: no such resource in the config or the state`,
          undefined,
          s ? `Did you mean "${s}"?` : 'Name a push monitor hl manages, such as kuma_monitor.hl_watch.',
        ),
      ],
    };
  }
  const hook = await heartbeatHookOf(opts.workspace, entry);
  if (!hook)
    return {
      diagnostics: [
        error(
          `${OPTION} ${address}: a ${entry.type} takes no heartbeats (its provider sends none)`,
          managed?.loc,
          'Name a resource whose provider takes heartbeats, such as an Uptime Kuma push monitor (kuma_monitor with type: push).',
        ),
      ],
    };
  const everyMs = opts.once ? undefined : Math.ceil(opts.intervalMs * (1 + JITTER));
  const problems = hook.check({ type: entry.type, state: entry.attributes, ...(everyMs !== undefined ? { everyMs } : {}) });
  return {
    address,
    diagnostics: problems.map((p) =>
      (p.severity === 'warning' ? warning : error)(`${OPTION} ${address}: ${p.message}`, locate(managed, p.path)),
    ),
  };
}

function locate(block: ResourceBlock | undefined, path: (string | number)[]): Diagnostic['location'] {
  return block ? findNodeAtPath(block.body, path).node.loc : undefined;
}

/** The resources of state, read without the lock (as hl show reads them), or why the state cannot be opened. */
async function readState(workspace: WorkspaceOptions, events: EngineEvents): Promise<ResourceState[] | { diagnostics: Diagnostic[] }> {
  try {
    const ws = await openWorkspace(workspace, events, { operation: 'watch', write: false, lock: false });
    try {
      return ws.store.state.resources;
    } finally {
      await ws.close();
    }
  } catch (e) {
    if (e instanceof DiagnosticsError) return { diagnostics: e.diagnostics };
    throw e;
  }
}

/** The heartbeat hook of the resource's provider type (not configured: its check is pure). */
async function heartbeatHookOf(workspace: WorkspaceOptions, entry: ResourceState): Promise<HeartbeatHook | undefined> {
  const factory = await workspace.registry.load(entry.provider.split('.')[0]!);
  return factory?.create().heartbeat;
}

/** `up` after a cycle that went well, `down` with why after a failed one: counts only. */
export function heartbeatFor(summary: CycleSummary, cycle: number): { status: 'up' | 'down'; message: string } {
  if (summary.ok)
    return {
      status: 'up',
      message: `hl watch cycle ${cycle}: ${summary.drifted} drifted, ${summary.applied} applied, ${summary.reported} reported`,
    };
  const why = summary.failed > 0 ? `${summary.failed} operation(s) failed to apply` : 'the refresh, plan or apply stopped with an error';
  return { status: 'down', message: `hl watch cycle ${cycle} failed: ${why} (see the watcher's log)` };
}

/** A failure of the heartbeat itself, said in words (the resource gone from state, its provider not configured). */
class HeartbeatFailure extends Error {}

async function sendAfterCycle(
  address: string,
  opts: HeartbeatOptions,
  summary: CycleSummary,
  cycle: number,
  inputs: PlanInputs,
  events: WatchEvents,
): Promise<void> {
  const beat = heartbeatFor(summary, cycle);
  const timeoutMs = opts.timeoutMs ?? HEARTBEAT_TIMEOUT_MS;
  const abort = new AbortController();
  let redact: (text: string) => string = (t) => t;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new HeartbeatFailure(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  const send = async (): Promise<void> => {
    const ws = await openWorkspace(opts.workspace, events, { operation: 'watch', write: false, lock: false });
    try {
      redact = ws.redact;
      const entry = ws.store.state.resources.find((r) => r.mode === 'managed' && r.address === address);
      if (!entry) throw new HeartbeatFailure(`${address} is no longer in the state`);
      ws.addSecrets(entry.sensitivePaths.flatMap((p) => stringsIn(getPath(entry.attributes, p))));
      const { project } = inputs;
      const { session, diagnostics } = await openProviderSession({
        config: project.config,
        state: ws.store.state,
        variables: project.variables,
        registry: ws.registry,
        configDir: project.paths.root,
        workDir: ws.workDir,
        paths: project.paths,
        only: entry.provider,
        ...(ws.log ? { log: ws.log } : {}),
        secrets: project.secrets,
      });
      if (!session)
        throw new HeartbeatFailure(diagnostics.find((d) => d.severity === 'error')?.summary ?? 'its provider could not be configured');
      try {
        ws.addSecrets(session.secrets);
        const hook = session.providers.get(entry.provider)?.heartbeat;
        if (!hook) throw new HeartbeatFailure(`a ${entry.type} takes no heartbeats`);
        await hook.send({
          type: entry.type,
          id: entry.id,
          state: entry.attributes,
          status: beat.status,
          message: beat.message,
          pingMs: summary.durationMs,
          signal: abort.signal,
        });
      } finally {
        await session.close();
      }
    } finally {
      await ws.close();
    }
  };
  try {
    await Promise.race([send(), timedOut]);
    events.watch({ level: 'info', event: 'heartbeat', fields: { address, status: beat.status } });
  } catch (e) {
    // whatever went wrong, the cycle is not failed for it: the monitor pages when nothing arrives
    events.watch({
      level: 'warn',
      event: 'heartbeat_failed',
      fields: { address, status: beat.status, message: redact((e as Error).message) },
    });
  } finally {
    clearTimeout(timer);
  }
}
