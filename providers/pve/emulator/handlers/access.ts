/**
 * `POST /access/ticket`: password login returning a ticket and CSRF token (the only endpoint
 * reachable without credentials).
 */
import { bool, opt, str } from '../param-schema.js';
import type { RouteDef } from '../router.js';
import type { Authenticator } from '../auth.js';

export function accessRoutes(auth: Authenticator): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/access/ticket',
      params: {
        username: str({ maxLength: 64 }),
        password: str(),
        realm: opt(str({ maxLength: 32 })),
        otp: opt(str()),
        path: opt(str({ maxLength: 64 })),
        privs: opt(str({ maxLength: 64 })),
        'new-format': opt(bool()),
        'tfa-challenge': opt(str()),
      },
      handler: (_emu, req) => auth.login(String(req.params.username), String(req.params.password), req.params.realm as string | undefined),
    },
  ];
}

/** Paths answered without authentication. */
export const UNAUTHENTICATED = new Set(['POST /access/ticket']);
