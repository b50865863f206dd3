/**
 * What `hl watch` reports while it runs, instead of printing: the engine's events
 * (diagnostics, lock waits) and one structured event per thing that happened (a cycle
 * started or ended, a drifted resource and what is done with it, an apply error, a backoff,
 * a config reload, the stop, a heartbeat sent or not). The CLI writes each as one JSON
 * line. Fields name addresses, kinds of change, counts and reasons, never attribute values.
 */
import type { EngineEvents } from '../engine-events.js';

export type WatchEventName =
  | 'watch_start'
  | 'cycle_start'
  | 'drift'
  | 'reverted'
  | 'reported'
  | 'apply_skipped'
  | 'apply_error'
  | 'recovered'
  | 'cycle_end'
  | 'backoff'
  | 'config_changed'
  | 'config_reloaded'
  | 'config_reload_failed'
  | 'stopping'
  | 'stopped'
  | 'heartbeat'
  | 'heartbeat_failed';

export type WatchField = string | number | boolean | string[];

export interface WatchEvent {
  level: 'info' | 'warn' | 'error';
  event: WatchEventName;
  fields?: Record<string, WatchField>;
}

export interface WatchEvents extends EngineEvents {
  watch(e: WatchEvent): void;
}

/** What one cycle found and did, for the log and the metrics. */
export interface CycleSummary {
  ok: boolean;
  durationMs: number;
  /** Changes the plan found (each decided: applied or reported). */
  drifted: number;
  /** The same by kind of change (`update`, `create`, ...); absent when the cycle got no plan. */
  driftedByKind?: Record<string, number>;
  /** Operations applied without error. */
  applied: number;
  reported: number;
  /** Operations that failed. */
  failed: number;
  /** When the cycle ended (ms since the epoch). */
  at: number;
  /** Provider instances (keys) the cycle could not reach or configure, sorted. */
  failingProviders: string[];
}
