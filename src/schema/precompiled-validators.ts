/**
 * What schema validation is handed instead of looking on disk: the validators compiled at
 * build time (scripts/precompile-schemas.ts), as a lookup by profile and schema object. The
 * engine loads them (src/engine/precompiled-validators.ts) and passes the lookup down; a
 * schema the lookup has no validator for, or a call without one, is compiled at run time.
 */
import type { ErrorObject } from 'ajv';

/** A compiled schema, from ajv or from the build: true when valid, else `errors` says why. */
export interface SchemaValidateFunction {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/**
 * The build's validator for `schema` compiled with the ajv options named `profile`
 * (`config` for schema-compile.ts, `state` for the state file's), if it has one.
 */
export type PrecompiledValidators = (profile: string, schema: object) => SchemaValidateFunction | undefined;
