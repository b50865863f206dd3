/** `hl watch`'s log as a test reads it: one JSON object per stdout line. */
export interface WatchLogLine {
  event: string;
  level: string;
  [k: string]: unknown;
}

/** Every stdout line parsed. */
export function logLines(stdout: string): WatchLogLine[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as WatchLogLine);
}
