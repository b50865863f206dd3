/**
 * Endpoint table and matching: each route has a method, a path template below /api2/json
 * (`/nodes/{node}/qemu/{vmid}/config`), its parameter schema (path parameters included, as in
 * PVE's schema) and a handler. Unknown paths and methods are answered 501 as PVE does.
 */
import type { AuthInfo } from './auth.js';
import type { EmulatorCore } from './emulator-core.js';
import type { ParamSchema, Params } from './param-schema.js';
import type { PveProfile } from './pve-profile.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiRequest {
  method: Method;
  /** Path below /api2/json. */
  path: string;
  /** Verified, typed parameters (path, query and body). */
  params: Params;
  auth: AuthInfo;
}

export type Handler = (emu: EmulatorCore, req: ApiRequest) => unknown;

export interface RouteDef {
  method: Method;
  /** Path template below /api2/json. */
  path: string;
  params: ParamSchema;
  /** PVE `proxyto => 'node'`: the request goes to that node, which must be up. */
  proxyToNode?: boolean;
  /** Whether the emulated release has this endpoint (default: every release); without it, 501. */
  available?: (profile: PveProfile) => boolean;
  handler: Handler;
}

export interface RouteMatch {
  route: RouteDef;
  pathParams: Record<string, string>;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export class Router {
  private readonly routes: { def: RouteDef; segments: string[] }[];

  constructor(routes: readonly RouteDef[]) {
    this.routes = routes.map((def) => ({ def, segments: splitPath(def.path) }));
  }

  /** The route for `method` and raw `path` (segments still URL-encoded), or undefined. */
  match(method: string, path: string): RouteMatch | undefined {
    const segs = splitPath(path);
    for (const { def, segments } of this.routes) {
      if (def.method !== method || segments.length !== segs.length) continue;
      const pathParams: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const t = segments[i] as string;
        let s = segs[i] as string;
        try {
          s = decodeURIComponent(s);
        } catch {
          ok = false;
          break;
        }
        if (t.startsWith('{') && t.endsWith('}')) pathParams[t.slice(1, -1)] = s;
        else if (t !== s) ok = false;
      }
      if (ok) return { route: def, pathParams };
    }
    return undefined;
  }

  all(): readonly RouteDef[] {
    return this.routes.map((r) => r.def);
  }
}
