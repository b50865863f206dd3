/**
 * Password storage and strength for the emulator's users: scrypt hashes (Kuma uses bcrypt;
 * the format is private to the emulator) and the "Too weak" rule of check-password-strength
 * that Kuma's `setup` applies (fewer than 6 characters, or fewer than 2 character classes).
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** A light scrypt cost: the emulator guards test data, and logins must stay fast under load. */
const SCRYPT_OPTIONS = { N: 1024, r: 8, p: 1 };

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, SCRYPT_OPTIONS);
  return `scrypt$${salt.toString('hex')}$${hash.toString('hex')}`;
}

export function verifyPassword(password: unknown, stored: string): boolean {
  if (typeof password !== 'string') return false;
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = scryptSync(password, Buffer.from(saltHex, 'hex'), expected.length, SCRYPT_OPTIONS);
  return timingSafeEqual(actual, expected);
}

export function isPasswordTooWeak(password: unknown): boolean {
  if (typeof password !== 'string') return true;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  return !(password.length >= 6 && classes >= 2);
}
