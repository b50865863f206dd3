/**
 * Oxide's resource names (omicron `Name`): a lower-case letter first, then letters, digits
 * and hyphens, not ending with a hyphen, at most 63 characters. Pure.
 */

export const OXIDE_NAME_RE = /^[a-z]([a-zA-Z0-9-]*[a-zA-Z0-9]+)?$/;
export const OXIDE_NAME_MAX = 63;

/** Why `name` is not an Oxide name, or undefined when it is one. */
export function oxideNameProblem(name: string): string | undefined {
  if (name.length > OXIDE_NAME_MAX) return `name "${name}" is ${name.length} characters long; Oxide names have at most ${OXIDE_NAME_MAX}`;
  if (!OXIDE_NAME_RE.test(name)) {
    return `name "${name}" is not an Oxide name: it must start with a lower-case letter and hold only letters, digits and hyphens, not ending with a hyphen`;
  }
  return undefined;
}
