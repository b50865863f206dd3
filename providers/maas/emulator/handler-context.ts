/** What an emulator handler gets, and what a route is. */
import type { MaasProfile } from './maas-profile.js';
import type { EmulatorRequest, EmulatorResponse } from './maas-responses.js';
import type { MaasWorld } from './world.js';

export interface HandlerContext {
  world: MaasWorld;
  /** What the emulated MAAS release does differently (maas-profile.ts). */
  profile: MaasProfile;
  req: EmulatorRequest;
  /** The route's captured path parameters, in order. */
  params: string[];
  /** Marks the world changed (persisted once the handler returns). */
  changed(): void;
}

export type Handler = (ctx: HandlerContext) => EmulatorResponse;

export interface Route {
  /** Matched against the path below the API root (`devices/abc/`). */
  pattern: RegExp;
  /** Handlers by `METHOD` (CRUD) or `METHOD op` (operations). */
  handlers: Record<string, Handler>;
  /** Reachable without OAuth (MAAS: version/, describe/). */
  anonymous?: boolean;
  /**
   * Handlers (by the same keys) a non-admin key may not call, and how MAAS refuses: `'admin-method'`
   * is api/support.py's `admin_method` (403 "This method is reserved for admin users."),
   * `'permission'` a bare `PermissionDenied()` (403, empty body).
   */
  adminOnly?: Record<string, 'admin-method' | 'permission'>;
}
