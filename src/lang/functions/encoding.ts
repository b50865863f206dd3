/** Encoding functions: JSON, YAML, base64, URL. */
import { lazyModule } from '../../core/lazy-module.js';
import type { Value } from '../../core/value.js';
import { fail, type FunctionDef } from '../function-types.js';
import { fromPlainData, toJson } from '../value-text.js';

/** `yaml` is loaded the first time yamlencode or yamldecode runs. */
const yaml = lazyModule<typeof import('yaml')>('yaml');

const any = { name: 'value', type: 'any' as const };
const str = { name: 'string', type: 'string' as const };

/** Values as plain data for the YAML encoder, with map keys sorted like jsonencode. */
function toPlain(v: Value): unknown {
  return JSON.parse(toJson(v)) as unknown;
}

export const ENCODING_FUNCTIONS: Record<string, FunctionDef> = {
  jsonencode: { params: [any], body: (args) => toJson(args[0]!) },
  jsondecode: {
    params: [str],
    body: (args) => {
      let data: unknown;
      try {
        data = JSON.parse(args[0] as string);
      } catch (e) {
        return fail(`invalid JSON: ${(e as Error).message}`, 0);
      }
      return fromPlainData(data);
    },
  },
  yamlencode: { params: [any], body: (args) => yaml().stringify(toPlain(args[0]!)) },
  yamldecode: {
    params: [str],
    body: (args) => {
      let data: unknown;
      try {
        data = yaml().parse(args[0] as string);
      } catch (e) {
        return fail(`invalid YAML: ${(e as Error).message.split('\n')[0]}`, 0);
      }
      return fromPlainData(data);
    },
  },
  base64encode: { params: [str], body: (args) => Buffer.from(args[0] as string, 'utf8').toString('base64') },
  base64decode: {
    params: [str],
    body: (args) => {
      const text = (args[0] as string).trim();
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) fail('the string is not valid base64', 0);
      const bytes = Buffer.from(text, 'base64');
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        return fail('the decoded bytes are not valid UTF-8', 0);
      }
    },
  },
  urlencode: {
    params: [str],
    body: (args) =>
      encodeURIComponent(args[0] as string)
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+'),
  },
};
