/**
 * The run's log of provider calls (HL_LOG), as the edge makes it: the level, the clock and
 * where lines go. Its format and what each level writes are in src/provider/call-log.ts.
 */
export { LOG_LEVELS, parseLogLevel, type LogClock, type LogLevel, type RunLog } from '../provider/call-log.js';
