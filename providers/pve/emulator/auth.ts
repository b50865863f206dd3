/**
 * Authentication as pve-http-server does it: API tokens in the
 * `Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET` header, or a ticket from
 * `POST /access/ticket` sent as the `PVEAuthCookie` cookie, with the `CSRFPreventionToken`
 * header required for writes. Tickets are signed with the world's key (HMAC), so they stay valid
 * across emulator processes sharing a world file, for two hours as in PVE.
 *
 * Permissions: `root@pam` logged in with a password may do anything; tokens (even root's) may
 * not pass raw host devices. A token may be given a list of privileges (granted on `/`, default
 * every privilege the emulator checks) and a list of the VMIDs its `VM.*` privileges cover
 * (default all), the two ways a real ACL narrows what a token sees and may do
 * (pve-access-control `PVE/RPCEnvironment.pm` check / check_vm_perm).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from './api-error.js';

export interface TokenConfig {
  /** `USER@REALM!TOKENID`. */
  id: string;
  /** Lowercase UUID. */
  secret: string;
  /** Privilege separation (recorded, not enforced). */
  privsep?: boolean;
  /** Privileges granted on `/` (default: all, e.g. `Sys.Modify`, `VM.Audit`, `VM.Allocate`). */
  privileges?: readonly string[];
  /** The guests the token's `VM.*` privileges apply to (default: every guest). */
  vmids?: readonly number[];
}

export interface UserConfig {
  /** `USER@REALM`, e.g. `root@pam`. */
  userid: string;
  password: string;
}

export interface AuthInfo {
  /** `USER@REALM`. */
  userid: string;
  /** `USER@REALM!TOKENID` for tokens. */
  tokenid?: string;
  /** What PVE calls the auth user: the token id for tokens, else the user id (used in UPIDs). */
  authuser: string;
  /** `root@pam` with a ticket: may set raw USB/PCI passthrough, bind mounts, devices. */
  isRoot: boolean;
  /**
   * Whether the caller holds `privilege` on `path` (`/`, `/nodes/pve`, `/vms/107`, `/pool/x`,
   * `/storage/local`, ...): a `VM.*` privilege on `/vms/N` only for the token's VMIDs.
   */
  has(privilege: string, path: string): boolean;
}

/** Every privilege allowed (users logging in with a password, tokens without a list). */
const ALL = (): boolean => true;

function tokenPermissions(token: TokenConfig): (privilege: string, path: string) => boolean {
  if (!token.privileges && !token.vmids) return ALL;
  const granted = token.privileges ? new Set(token.privileges) : undefined;
  const vmids = token.vmids ? new Set(token.vmids) : undefined;
  return (privilege, path) => {
    if (granted && !granted.has(privilege)) return false;
    const vm = /^\/vms\/(\d+)$/.exec(path);
    if (vm && vmids && privilege.startsWith('VM.')) return vmids.has(Number(vm[1]));
    return true;
  };
}

/** Token of the embedded homelab: `hl@pve!hl`. */
export const DEFAULT_TOKEN_ID = 'hl@pve!hl';
/** Secret of the default token (a fixed lowercase UUID; the emulator only listens on loopback). */
export const DEFAULT_TOKEN_SECRET = '5e1f0c2a-7b3d-4c8e-9f60-0a1b2c3d4e5f';

const TICKET_LIFETIME_S = 7200;

const hex8 = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

function sign(key: string, data: string): string {
  return createHmac('sha256', key).update(data).digest('base64');
}

function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    let v = part.slice(eq + 1).trim();
    try {
      v = decodeURIComponent(v);
    } catch {
      // keep raw
    }
    out[k] = v;
  }
  return out;
}

export class Authenticator {
  constructor(
    private readonly tokens: readonly TokenConfig[],
    private readonly users: readonly UserConfig[],
    private readonly authKey: () => string,
    private readonly clusterName: () => string,
    private readonly nowSeconds: () => number,
  ) {}

  /** Checks a request's credentials; throws ApiError 401 as PVE answers. */
  authenticate(headers: IncomingHttpHeaders, method: string): AuthInfo {
    const authz = headers.authorization;
    if (typeof authz === 'string' && /^PVEAPIToken[= ]/.test(authz)) return this.checkToken(authz.slice(12).trim());
    const ticket = parseCookies(headers.cookie).PVEAuthCookie;
    if (ticket === undefined) throw new ApiError(401, 'No ticket');
    const userid = this.verifyTicket(ticket);
    if (!userid) throw new ApiError(401, 'invalid PVE ticket');
    if (method !== 'GET') {
      const csrf = headers.csrfpreventiontoken;
      if (typeof csrf !== 'string' || !this.verifyCsrf(csrf, userid)) {
        throw new ApiError(401, 'Permission denied - invalid csrf token');
      }
    }
    return { userid, authuser: userid, isRoot: userid === 'root@pam', has: ALL };
  }

  private checkToken(value: string): AuthInfo {
    const eq = value.lastIndexOf('=');
    if (eq < 0) throw new ApiError(401, 'no token value');
    const tokenid = value.slice(0, eq);
    const secret = value.slice(eq + 1);
    const m = /^(.+@[^!]+)!(.+)$/.exec(tokenid);
    if (!m) throw new ApiError(401, `invalid token ID '${tokenid}'`);
    const userid = m[1] as string;
    const token = this.tokens.find((t) => t.id === tokenid);
    if (!token) {
      if (!this.tokens.some((t) => t.id.startsWith(`${userid}!`))) throw new ApiError(401, `no such user ('${userid}')`);
      throw new ApiError(401, `no such token '${m[2]}' for user '${userid}'`);
    }
    if (!safeEqual(token.secret, secret)) throw new ApiError(401, 'invalid token value!');
    return { userid, tokenid, authuser: tokenid, isRoot: false, has: tokenPermissions(token) };
  }

  /** `POST /access/ticket`; throws ApiError 401 "authentication failure". */
  login(username: string, password: string, realm?: string): Record<string, unknown> {
    const userid = username.includes('@') ? username : `${username}@${realm ?? 'pam'}`;
    const user = this.users.find((u) => u.userid === userid);
    if (!user || !safeEqual(user.password, password)) throw new ApiError(401, 'authentication failure');
    const t = hex8(this.nowSeconds());
    const data = `PVE:${userid}:${t}`;
    return {
      username: userid,
      ticket: `${data}::${sign(this.authKey(), data)}`,
      CSRFPreventionToken: `${t}:${sign(this.authKey(), `${t}:${userid}`).replace(/=+$/, '')}`,
      clustername: this.clusterName(),
      cap: {
        vms: { 'VM.Allocate': 1, 'VM.Audit': 1, 'VM.Clone': 1, 'VM.Config.Disk': 1, 'VM.PowerMgmt': 1 },
        storage: { 'Datastore.Allocate': 1, 'Datastore.AllocateSpace': 1, 'Datastore.Audit': 1 },
        nodes: { 'Sys.Audit': 1, 'Sys.Modify': 1 },
        access: {},
        dc: {},
        sdn: {},
        mapping: {},
      },
    };
  }

  /** The user of a valid, unexpired ticket, else undefined. */
  verifyTicket(ticket: string): string | undefined {
    const m = /^(PVE:(.+@[^:]+):([0-9A-F]{8}))::(.+)$/.exec(ticket);
    if (!m) return undefined;
    if (!safeEqual(sign(this.authKey(), m[1] as string), m[4] as string)) return undefined;
    const age = this.nowSeconds() - parseInt(m[3] as string, 16);
    if (age < -300 || age > TICKET_LIFETIME_S) return undefined;
    return m[2];
  }

  private verifyCsrf(token: string, userid: string): boolean {
    const m = /^([0-9A-F]{8}):(.+)$/.exec(token);
    if (!m) return false;
    const expected = sign(this.authKey(), `${m[1]}:${userid}`).replace(/=+$/, '');
    return safeEqual(expected, m[2] as string);
  }
}
