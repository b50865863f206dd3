/**
 * Tags: `getTags`, `addTag`, `editTag`, `deleteTag`, and the tags of a monitor
 * (`addMonitorTag`, `editMonitorTag`, `deleteMonitorTag`, the latter matching on the value).
 * On 2.x a change to a monitor's tags pushes `updateMonitorIntoList` for that monitor.
 */
import { requireLogin, type Handler, type HandlerCall } from './handler-context.js';
import { pushMonitorChanged } from './server-pushes.js';

function monitorTagsChanged(call: HandlerCall, userId: number, monitorId: unknown): void {
  if (call.shared.profile.generation === 2) pushMonitorChanged(call.shared, userId, Number(monitorId));
}

const FOREIGN_KEY = 'SQLITE_CONSTRAINT: FOREIGN KEY constraint failed';

const getTags: Handler = (call) => {
  requireLogin(call);
  return { ok: true, tags: call.shared.world.data.tags.map((t) => ({ id: t.id, name: t.name, color: t.color })) };
};

const addTag: Handler = (call) => {
  requireLogin(call);
  const { world } = call.shared;
  const tag = call.args[0] as { name?: unknown; color?: unknown };
  const record = { id: world.nextId('tag'), name: String(tag.name), color: String(tag.color) };
  world.data.tags.push(record);
  world.commit();
  return { ok: true, tag: { ...record } };
};

const editTag: Handler = (call) => {
  requireLogin(call);
  const { world, profile } = call.shared;
  const tag = call.args[0] as { id?: unknown; name?: unknown; color?: unknown };
  const record = world.tag(Number(tag.id));
  if (!record) {
    if (profile.messages.tagNotFound) return { ok: false, ...profile.messages.tagNotFound };
    throw new TypeError("Cannot set properties of null (setting 'name')");
  }
  record.name = String(tag.name);
  record.color = String(tag.color);
  world.commit();
  return profile.generation === 2 ? { ok: true, ...profile.messages.saved, tag: { ...record } } : { ok: true, tag: { ...record } };
};

const deleteTag: Handler = (call) => {
  requireLogin(call);
  call.shared.world.deleteTag(Number(call.args[0]));
  call.shared.world.commit();
  return { ok: true, ...call.shared.profile.messages.deleted };
};

const addMonitorTag: Handler = (call) => {
  const userId = requireLogin(call);
  const { world } = call.shared;
  const [tagId, monitorId, value] = call.args;
  if (!world.tag(Number(tagId)) || !world.monitor(Number(monitorId))) throw new Error(FOREIGN_KEY);
  world.data.monitorTags.push({
    id: world.nextId('monitorTag'),
    tag_id: Number(tagId),
    monitor_id: Number(monitorId),
    value: value === undefined ? null : (value as string | null),
  });
  world.commit();
  monitorTagsChanged(call, userId, monitorId);
  return { ok: true, ...call.shared.profile.messages.added };
};

/** server/server.js `editMonitorTag`: `UPDATE monitor_tag SET value = ? WHERE tag_id = ? AND monitor_id = ?` (every value of that tag). */
const editMonitorTag: Handler = (call) => {
  const userId = requireLogin(call);
  const [tagId, monitorId, value] = call.args;
  for (const t of call.shared.world.data.monitorTags) {
    if (t.tag_id === Number(tagId) && t.monitor_id === Number(monitorId)) t.value = value as string | null;
  }
  call.shared.world.commit();
  monitorTagsChanged(call, userId, monitorId);
  return { ok: true, msg: 'successEdited', msgi18n: true };
};

/**
 * server/server.js `deleteMonitorTag`: `DELETE ... WHERE tag_id = ? AND monitor_id = ? AND
 * value = ?`. In SQL `value = NULL` is never true, so a row whose value is NULL is never
 * deleted, and the call still answers ok.
 */
const deleteMonitorTag: Handler = (call) => {
  const userId = requireLogin(call);
  const { world } = call.shared;
  const [tagId, monitorId, value] = call.args;
  const sqlEquals = (stored: string | null): boolean => stored !== null && value !== null && value !== undefined && stored === value;
  world.data.monitorTags = world.data.monitorTags.filter(
    (t) => !(t.tag_id === Number(tagId) && t.monitor_id === Number(monitorId) && sqlEquals(t.value)),
  );
  world.commit();
  monitorTagsChanged(call, userId, monitorId);
  return { ok: true, ...call.shared.profile.messages.deleted };
};

export const tagHandlers: Record<string, Handler> = {
  getTags,
  addTag,
  editTag,
  deleteTag,
  addMonitorTag,
  editMonitorTag,
  deleteMonitorTag,
};
