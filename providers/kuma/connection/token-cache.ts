/**
 * The JWT a Kuma login returned, kept between runs in the provider instance's work directory
 * (`<state dir>/.hl/providers/<alias>/kuma-token.json`, mode 0600), so a run logs in with
 * `loginByToken` instead of the password and 50 plans a minute never meet Kuma's login rate
 * limit (20 password logins a minute, server/rate-limiter.js).
 *
 * Kuma's tokens carry no expiry: User.createJWT (server/model/user.js) signs `{username, h}`
 * where `h` is derived from the password hash, and `loginByToken` (server/server.js) refuses a
 * token once the password changed or the user was disabled. So a cached token expires when Kuma
 * refuses it: it is then forgotten, and replaced after the next password login. A token is only
 * used for the URL and user it was issued for.
 */
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../src/state/atomic-write.js';

export const TOKEN_CACHE_FILE = 'kuma-token.json';

/** Where a session keeps its JWT between runs. */
export interface TokenStore {
  load(): Promise<string | undefined>;
  save(token: string): Promise<void>;
  forget(): Promise<void>;
}

interface CachedToken {
  url: string;
  username: string;
  token: string;
}

/** A token store in `workDir`, for one URL and user. Failures to read or write are not fatal: the password still works. */
export function fileTokenStore(workDir: string, url: string, username: string): TokenStore {
  const path = join(workDir, TOKEN_CACHE_FILE);
  return {
    async load() {
      try {
        const cached = JSON.parse(await readFile(path, 'utf8')) as Partial<CachedToken>;
        return cached.url === url && cached.username === username && typeof cached.token === 'string' ? cached.token : undefined;
      } catch {
        return undefined;
      }
    },
    async save(token) {
      const cached: CachedToken = { url, username, token };
      await writeFileAtomic(path, `${JSON.stringify(cached)}\n`).catch(() => undefined);
    },
    async forget() {
      await unlink(path).catch(() => undefined);
    },
  };
}
