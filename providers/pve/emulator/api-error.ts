/**
 * Errors an API handler raises, mapped to HTTP answers the way pve-http-server does:
 * a plain failure (`die "message\n"` in PVE) is HTTP 500 with the message as reason phrase;
 * a parameter error is HTTP 400 "Parameter verification failed." with an `errors` map;
 * permission errors are 403; auth failures 401; unknown methods 501; unreachable nodes 595.
 */

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    /** Parameter errors (HTTP 400 only). */
    readonly errors?: Record<string, string>,
  ) {
    super(message);
  }
}

/** PVE `die "msg\n"`: HTTP 500 with the message as reason phrase. */
export function fail(message: string): never {
  throw new ApiError(500, message);
}

/** PVE `raise_param_exc({...})`: HTTP 400 "Parameter verification failed.". */
export function paramFail(errors: Record<string, string>): never {
  throw new ApiError(400, 'Parameter verification failed.', errors);
}

/** PVE `raise_perm_exc("what")`: HTTP 403 "Permission check failed (what)". */
export function permFail(what?: string): never {
  throw new ApiError(403, what ? `Permission check failed (${what})` : 'Permission check failed');
}

/** A request to a node that does not answer, as the PVE proxy reports it. */
export function unreachableNode(reason: string): never {
  throw new ApiError(595, reason);
}

/** Error text of anything thrown, as PVE would log it (first line kept by callers). */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
