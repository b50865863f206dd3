/** Reads the stdout of `hl ... --json`: every line one JSON object of Terraform's machine-readable UI shape, or the test fails. */
import { expect } from 'vitest';

export interface UiLine {
  '@level': 'info' | 'warn' | 'error';
  '@message': string;
  '@module': string;
  '@timestamp': string;
  type: string;
  [field: string]: unknown;
}

/** RFC 3339 with fractional seconds. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+(Z|[+-]\d{2}:\d{2})$/;

export function uiLines(stdout: string): UiLine[] {
  expect(stdout.endsWith('\n'), 'stdout ends with a newline').toBe(true);
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((text) => {
      let line: UiLine;
      try {
        line = JSON.parse(text) as UiLine;
      } catch {
        throw new Error(`not a JSON line on stdout: ${text}`);
      }
      expect(line, text).toMatchObject({ '@module': 'hl.ui' });
      expect(['info', 'warn', 'error'], text).toContain(line['@level']);
      expect(typeof line['@message'], text).toBe('string');
      expect(line['@timestamp'], text).toMatch(RFC3339);
      expect(typeof line.type, text).toBe('string');
      return line;
    });
}
