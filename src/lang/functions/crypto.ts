/** Hash functions (pure computation through node:crypto). */
import { createHash } from 'node:crypto';
import type { FunctionDef } from '../function-types.js';

const str = { name: 'string', type: 'string' as const };

function hex(algorithm: string): FunctionDef {
  return {
    params: [str],
    body: (args) =>
      createHash(algorithm)
        .update(args[0] as string, 'utf8')
        .digest('hex'),
  };
}

function base64(algorithm: string): FunctionDef {
  return {
    params: [str],
    body: (args) =>
      createHash(algorithm)
        .update(args[0] as string, 'utf8')
        .digest('base64'),
  };
}

export const CRYPTO_FUNCTIONS: Record<string, FunctionDef> = {
  md5: hex('md5'),
  sha1: hex('sha1'),
  sha256: hex('sha256'),
  sha512: hex('sha512'),
  base64sha256: base64('sha256'),
  base64sha512: base64('sha512'),
};
