/**
 * The public socket API of Kuma: `needSetup`, `setup`, `login` (rate-limited, optional
 * TOTP), `loginByToken` and `logout`, with Kuma's answers and messages per version.
 */
import { NO_ANSWER, userRoom, type Handler, type HandlerCall } from './handler-context.js';
import { passwordDigest, signJwt, verifyJwt } from './jwt.js';
import { LOGIN_RATE_LIMIT_MESSAGE } from './login-rate-limiter.js';
import { hashPassword, isPasswordTooWeak, verifyPassword } from './password-hash.js';
import { afterLogin } from './server-pushes.js';
import { verifyTotp } from './totp.js';
import type { KumaUserRecord } from './kuma-world.js';

function issueToken(call: HandlerCall, user: KumaUserRecord): string {
  return signJwt(
    { username: user.username, h: passwordDigest(user.password), iat: Math.floor(Date.now() / 1000) },
    call.shared.world.data.jwtSecret,
  );
}

/** 2.x awaits afterLogin() before the answer; 1.23 starts it and answers at once. */
function logIn(call: HandlerCall, user: KumaUserRecord): void {
  call.session.userId = user.id;
  if (call.shared.profile.answersLoginAfterPushes) afterLogin(call.shared, call.socket, user.id);
  else call.after(() => afterLogin(call.shared, call.socket, user.id));
}

const needSetup: Handler = (call) => call.shared.world.needSetup;

const setup: Handler = (call) => {
  const [username, password] = call.args;
  const { world, profile } = call.shared;
  if (isPasswordTooWeak(password)) return { ok: false, ...profile.messages.passwordTooWeak };
  if (!world.needSetup) return { ok: false, ...profile.messages.alreadyInitialized };
  world.data.users.push({
    id: world.nextId('user'),
    username: String(username),
    password: hashPassword(String(password)),
    active: true,
    twofa_secret: null,
    twofa_status: 0,
    twofa_last_token: null,
  });
  world.commit();
  return { ok: true, ...profile.messages.setupDone };
};

const login: Handler = (call) => {
  const data = call.args[0] as { username?: unknown; password?: unknown; token?: unknown } | null | undefined;
  const { world, profile, limiter, stats } = call.shared;
  if (!data) return NO_ANSWER;
  if (!limiter.pass()) return { ok: false, msg: LOGIN_RATE_LIMIT_MESSAGE };
  stats.passwordChecks += 1;
  const user = typeof data.username === 'string' ? world.userByName(data.username) : undefined;
  if (!user || !verifyPassword(data.password, user.password)) return { ok: false, ...profile.messages.incorrectCreds };
  if (user.twofa_status === 0) {
    logIn(call, user);
    return { ok: true, token: issueToken(call, user) };
  }
  if (!data.token) return { tokenRequired: true };
  if (user.twofa_last_token !== data.token && verifyTotp(data.token, user.twofa_secret ?? '')) {
    user.twofa_last_token = String(data.token);
    world.commit();
    logIn(call, user);
    return { ok: true, token: issueToken(call, user) };
  }
  return { ok: false, ...profile.messages.invalidToken };
};

const loginByToken: Handler = (call) => {
  const { world, profile } = call.shared;
  const decoded = verifyJwt(call.args[0], world.data.jwtSecret);
  if (!decoded) return { ok: false, ...profile.messages.invalidToken };
  const user = world.userByName(decoded.username);
  if (!user || (decoded.h !== undefined && decoded.h !== passwordDigest(user.password)))
    return { ok: false, ...profile.messages.userInactive };
  logIn(call, user);
  return { ok: true };
};

const logout: Handler = (call) => {
  if (!call.shared.limiter.pass()) return { ok: false, msg: LOGIN_RATE_LIMIT_MESSAGE };
  if (call.session.userId !== null) void call.socket.leave(userRoom(call.session.userId));
  call.session.userId = null;
  return undefined;
};

export const authHandlers: Record<string, Handler> = { needSetup, setup, login, loginByToken, logout };
