/**
 * `hl watch`: continuous reconciliation (engine/watch/watch-operation.ts), its events written
 * as JSON lines on stdout (render/watch-log-lines.ts); with --listen, the loopback status
 * listener (/healthz, /metrics) over the metrics the loop keeps; with --heartbeat, a
 * heartbeat to a push monitor after each cycle. A change of the config's files or SIGHUP
 * reloads the config;
 * SIGTERM and Ctrl-C stop the watcher cleanly (exit 0).
 */
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { startWatchStatusServer, type WatchStatusServer } from '../../engine/watch/status-server.js';
import type { WatchMetricsSink } from '../../engine/watch/watch-metrics.js';
import { watchOperation, type WatchSignal } from '../../engine/watch/watch-operation.js';
import type { WatchEvents } from '../../engine/watch/watch-events.js';
import { defaultMaxBackoffMs } from '../../engine/watch/watch-schedule.js';
import { diagnosticLogLines, watchLogLine } from '../../render/watch-log-lines.js';
import { EXIT_ERROR, EXIT_OK, type CommandContext } from '../command-context.js';
import { variableSources, workspaceOptions } from '../engine-options.js';

/** The interval when --interval is not given. */
export const DEFAULT_WATCH_INTERVAL_MS = 5 * 60_000;

export async function watchCommand(ctx: CommandContext): Promise<number> {
  const o = ctx.cmd.options;
  const intervalMs = o.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
  const listen = o.listen !== undefined ? parseListen(o.listen) : undefined;
  const write = (line: string): void => ctx.term.out(line);
  const events: WatchEvents = {
    diagnostics: (diags, context) => write(diagnosticLogLines(new Date(), diags, context?.redact)),
    lockWait: (holder) => write(watchLogLine(new Date(), 'info', 'lock_wait', { holder: holder ?? 'unknown' })),
    staleLockTakeover: (holder) => write(watchLogLine(new Date(), 'warn', 'lock_takeover', { holder })),
    watch: (e) => write(watchLogLine(new Date(), e.level, e.event, e.fields)),
  };
  let metrics: WatchMetricsSink | undefined;
  let server: WatchStatusServer | undefined;
  if (listen) {
    const { WatchMetrics } = await import('../../engine/watch/watch-metrics.js');
    // before the first success: healthy for two intervals and a cycle's time (at least the default grace)
    metrics = await WatchMetrics.create({ startedAt: Date.now(), startupGraceMs: Math.max(5 * 60_000, 3 * intervalMs) });
    server = await startWatchStatusServer({ ...listen, metrics });
    write(watchLogLine(new Date(), 'info', 'status_listening', { url: server.url }));
  }
  try {
    const ws = workspaceOptions(ctx);
    const outcome = await watchOperation(
      {
        // a cycle waits for the lock (an hl apply elsewhere) up to --lock-timeout, by default one interval
        workspace: { ...ws, lockTimeoutMs: o.lockTimeoutMs > 0 ? o.lockTimeoutMs : intervalMs },
        config: o.config,
        variables: variableSources(ctx),
        ...(o.policy !== undefined ? { policy: o.policy } : {}),
        parallelism: o.parallelism,
        once: o.once,
        reloadOnChange: !o.once,
        intervalMs,
        maxBackoffMs: defaultMaxBackoffMs(intervalMs),
        random: Math.random,
        onSignal: (handler: (signal: WatchSignal) => void) => ctx.onInterrupt((signal) => handler(signal === 'SIGHUP' ? 'reload' : 'stop')),
        ...(metrics ? { metrics } : {}),
        ...(o.heartbeat !== undefined ? { heartbeat: o.heartbeat } : {}),
      },
      events,
    );
    return outcome.ok ? EXIT_OK : EXIT_ERROR;
  } finally {
    await server?.close();
  }
}

/** `127.0.0.1:9100`, `[::1]:9100`, `localhost:0`. Whether the host is loopback the listener checks. */
function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(text.trim());
  if (!m)
    throw new DiagnosticsError([error(`Invalid value for --listen: "${text}" (expected HOST:PORT, such as 127.0.0.1:9100 or [::1]:9100)`)]);
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port: Number(m[2]) };
}
