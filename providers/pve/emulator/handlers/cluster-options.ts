/**
 * Datacenter options, `GET/PUT /cluster/options` (pve-manager `PVE/API2/Cluster.pm`
 * get_options / set_options over pve-cluster's datacenter.cfg, `src/PVE/DataCenterConfig.pm`).
 *
 * - GET answers the options with the property strings PVE parses on reading the file as
 *   objects (`tag-style`, `user-tag-access`, with `user-allow-list` and `registered-tags` as
 *   lists); the emulator keeps the other options as the text written. Without `Sys.Audit` on
 *   `/` only `console` and `tag-style` are answered. `allowed-tags` is added as
 *   pve-guest-common `GuestHelpers.pm` get_allowed_tags computes it.
 * - PUT needs `Sys.Modify` on `/`; each option given replaces the stored one, `delete` removes.
 *
 * `tag-style` decides how guest tags are stored (guest-tags.ts).
 */
import { parseBoolean, parsePropertyString, type PropertyStringFormat } from '../../property-string.js';
import { permFail } from '../api-error.js';
import type { EmulatorCore } from '../emulator-core.js';
import { TAG_STYLE_FORMAT } from '../guest-tags.js';
import { bool, int, opt, str, type ParamSchema } from '../param-schema.js';
import type { ApiRequest, RouteDef } from '../router.js';
import { splitList } from '../string-formats.js';
import { guestConfig } from '../world.js';

const TAG_RE_SOURCE = '[a-z0-9_][a-z0-9_\\-+.]*';

/** `user-tag-access` (DataCenterConfig.pm `$user_tag_privs_format`). */
const USER_TAG_ACCESS_FORMAT: PropertyStringFormat = {
  keys: {
    'user-allow': { type: 'string', enum: ['none', 'list', 'existing', 'free'] },
    'user-allow-list': { type: 'string', pattern: new RegExp(`(?:${TAG_RE_SOURCE};)*${TAG_RE_SOURCE}`, 'i') },
  },
};

/** Options whose stored text GET answers parsed, and how. */
const PARSED: Record<string, PropertyStringFormat> = {
  'tag-style': TAG_STYLE_FORMAT,
  'user-tag-access': USER_TAG_ACCESS_FORMAT,
};

/** The parameters of PUT (the writable datacenter.cfg options). */
const OPTION_PARAMS: ParamSchema = {
  bwlimit: opt(str()),
  'consent-text': opt(str({ maxLength: 64 * 1024 })),
  console: opt(str({ enum: ['applet', 'vv', 'html5', 'xtermjs'] })),
  crs: opt(str()),
  description: opt(str({ maxLength: 64 * 1024 })),
  email_from: opt(str()),
  fencing: opt(str({ enum: ['watchdog', 'hardware', 'both'] })),
  ha: opt(str()),
  http_proxy: opt(str({ pattern: /http:\/\/.*/ })),
  keyboard: opt(
    str({
      enum: [
        'de',
        'de-ch',
        'da',
        'en-gb',
        'en-us',
        'es',
        'fi',
        'fr',
        'fr-be',
        'fr-ca',
        'fr-ch',
        'hu',
        'is',
        'it',
        'ja',
        'lt',
        'mk',
        'nl',
        'no',
        'pl',
        'pt',
        'pt-br',
        'sv',
        'sl',
        'tr',
      ],
    }),
  ),
  language: opt(
    str({
      enum: [
        'ar',
        'ca',
        'da',
        'de',
        'en',
        'es',
        'eu',
        'fa',
        'fr',
        'hr',
        'he',
        'it',
        'ja',
        'ka',
        'kr',
        'nb',
        'nl',
        'nn',
        'pl',
        'pt_BR',
        'ru',
        'sl',
        'sv',
        'tr',
        'ukr',
        'zh_CN',
        'zh_TW',
      ],
    }),
  ),
  mac_prefix: opt(str()),
  max_workers: opt(int({ minimum: 1 })),
  migration: opt(str()),
  migration_unsecure: opt(bool()),
  'next-id': opt(str()),
  notify: opt(str()),
  'registered-tags': opt(str({ pattern: new RegExp(`(?:${TAG_RE_SOURCE};)*${TAG_RE_SOURCE}`, 'i') })),
  replication: opt(str()),
  'tag-style': opt(str({ propertyFormat: TAG_STYLE_FORMAT })),
  u2f: opt(str()),
  'user-tag-access': opt(str({ propertyFormat: USER_TAG_ACCESS_FORMAT })),
  webauthn: opt(str()),
};

/** A parsed property string as PVE answers it: booleans and numbers typed. */
function typedProperties(text: string, format: PropertyStringFormat): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let parsed: Record<string, string>;
  try {
    parsed = parsePropertyString(text, format);
  } catch {
    return out;
  }
  for (const [k, v] of Object.entries(parsed)) {
    const type = format.keys?.[k]?.type;
    if (type === 'boolean') out[k] = parseBoolean(v) ? 1 : 0;
    else if (type === 'integer' || type === 'number') out[k] = Number(v);
    else out[k] = v;
  }
  return out;
}

/** datacenter.cfg as read_datacenter_config returns it. */
function readOptions(stored: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, text] of Object.entries(stored)) {
    const format = PARSED[k];
    if (format) out[k] = typedProperties(text, format);
    else if (k === 'registered-tags') out[k] = text.split(';');
    else if (k === 'max_workers') out[k] = Number(text);
    else if (k === 'migration_unsecure') out[k] = parseBoolean(text) ? 1 : 0;
    else out[k] = text;
  }
  const uta = out['user-tag-access'] as Record<string, unknown> | undefined;
  if (uta && typeof uta['user-allow-list'] === 'string') uta['user-allow-list'] = uta['user-allow-list'].split(';');
  return out;
}

/** get_allowed_tags: the tags the caller may set (and sees), sorted. */
function allowedTags(emu: EmulatorCore, req: ApiRequest, options: Record<string, unknown>): string[] {
  const privileged = req.auth.has('Sys.Modify', '/');
  const access = (options['user-tag-access'] ?? {}) as { 'user-allow'?: string; 'user-allow-list'?: string[] };
  const userAllow = access['user-allow'] ?? 'free';
  const registered = (options['registered-tags'] ?? []) as string[];
  const allowed = new Set<string>();
  if (userAllow !== 'none' || privileged) for (const t of access['user-allow-list'] ?? []) allowed.add(t);
  if (userAllow === 'free' || userAllow === 'existing' || privileged) {
    for (const g of Object.values(emu.world.guests)) {
      if (!privileged && !req.auth.has('VM.Audit', `/vms/${g.vmid}`)) continue;
      for (const t of splitList(guestConfig(g).main.tags ?? '')) allowed.add(t);
    }
  }
  for (const t of registered) {
    if (privileged) allowed.add(t);
    else allowed.delete(t);
  }
  return [...allowed].sort();
}

function getOptions(emu: EmulatorCore, req: ApiRequest): Record<string, unknown> {
  const options = readOptions(emu.world.datacenter ?? {});
  let res: Record<string, unknown> = options;
  if (!req.auth.has('Sys.Audit', '/')) {
    res = {};
    for (const k of ['console', 'tag-style']) if (k in options) res[k] = options[k];
  }
  res['allowed-tags'] = allowedTags(emu, req, options);
  return res;
}

function setOptions(emu: EmulatorCore, req: ApiRequest): null {
  if (!req.auth.has('Sys.Modify', '/')) permFail('/, Sys.Modify');
  const { delete: del, ...values } = req.params;
  const stored = { ...(emu.world.datacenter ?? {}) };
  for (const [k, v] of Object.entries(values)) stored[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  for (const k of splitList(String(del ?? ''))) delete stored[k];
  emu.world.datacenter = stored;
  return null;
}

export const CLUSTER_OPTIONS_ROUTES: RouteDef[] = [
  { method: 'GET', path: '/cluster/options', params: {}, handler: getOptions },
  {
    method: 'PUT',
    path: '/cluster/options',
    params: { ...OPTION_PARAMS, delete: opt(str({ format: 'pve-configid-list' })) },
    handler: setOptions,
  },
];
