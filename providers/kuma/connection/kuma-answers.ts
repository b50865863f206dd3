/**
 * Kuma's callback answers (`{ok, msg, msgi18n?, ...}`) turned into what a person reads:
 * i18n message keys spelled out, and the `ProviderError`s for refusals and silence.
 */
import { ProviderError } from '../../../src/provider/contract.js';

export type KumaAnswer = Record<string, unknown> & { ok?: unknown; msg?: unknown; msgi18n?: unknown };

const I18N_MESSAGES: Record<string, string> = {
  authIncorrectCreds: 'incorrect username or password',
  authInvalidToken: 'invalid token',
  authUserInactiveOrDeleted: 'the user is inactive or deleted',
  passwordTooWeak: 'the password is too weak',
  tagNotFound: 'tag not found',
};

/** A callback answer as an object (needSetup answers a bare boolean). */
export function asAnswer(raw: unknown): KumaAnswer {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) return raw as KumaAnswer;
  return { value: raw };
}

export function describeAnswer(answer: KumaAnswer): string {
  const msg = typeof answer.msg === 'string' ? answer.msg : JSON.stringify(answer);
  const spelled = answer.msgi18n === true ? I18N_MESSAGES[msg] : undefined;
  return spelled ? `${spelled} (${msg})` : msg;
}

/** 10000 → "10 s", 250 → "0.25 s". */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

export function refusalError(url: string, event: string, answer: KumaAnswer): ProviderError {
  return new ProviderError(`Uptime Kuma at ${url} refused \`${event}\`: ${describeAnswer(answer)}`, { detail: JSON.stringify(answer) });
}

export function silenceError(url: string, event: string, timeoutMs: number): ProviderError {
  return new ProviderError(`Uptime Kuma at ${url} did not answer \`${event}\` within ${formatSeconds(timeoutMs)}`, { retryable: true });
}

export const NOT_LOGGED_IN = 'You are not logged in.';
export const RATE_LIMITED = 'Too frequently, try again later.';
