/**
 * Notifications: `addNotification(notification, id | null)` saves (an upsert: the whole
 * object is kept as JSON text in `config`), `deleteNotification(id)`; both push the new
 * `notificationList`. `applyExisting` links the notification to every existing monitor
 * (Notification.save() of server/notification.js); 2.x then stores it as false ("one time
 * only"), 1.23 stores the object as it was sent.
 */
import { requireLogin, type Handler } from './handler-context.js';
import { sendNotificationList } from './server-pushes.js';

const NOT_FOUND = 'notification not found';

const addNotification: Handler = (call) => {
  const userId = requireLogin(call);
  const { world, profile } = call.shared;
  const [notification, notificationId] = call.args as [Record<string, unknown>, unknown];
  let record = notificationId ? world.notification(Number(notificationId), userId) : undefined;
  if (notificationId && !record) throw new Error(NOT_FOUND);
  if (!record) {
    record = { id: world.nextId('notification'), name: '', config: '{}', active: true, user_id: userId, is_default: false };
    world.data.notifications.push(record);
  }
  const applyExisting = Boolean(notification.applyExisting);
  const stored = profile.storesApplyExisting ? notification : { ...notification, applyExisting: false };
  record.name = String(notification.name);
  record.config = JSON.stringify(stored);
  record.is_default = Boolean(notification.isDefault);
  if (applyExisting) {
    for (const m of world.monitorsOf(userId)) {
      const linked = world.data.monitorNotifications.some((n) => n.monitor_id === m.id && n.notification_id === record!.id);
      if (!linked)
        world.data.monitorNotifications.push({ id: world.nextId('monitorNotification'), monitor_id: m.id, notification_id: record.id });
    }
  }
  world.commit();
  sendNotificationList(call.shared, userId);
  return { ok: true, ...(profile.generation === 2 ? { msg: 'Saved.', msgi18n: true } : { msg: 'Saved' }), id: record.id };
};

const deleteNotification: Handler = (call) => {
  const userId = requireLogin(call);
  const { world, profile } = call.shared;
  const id = Number(call.args[0]);
  if (!world.notification(id, userId)) throw new Error(NOT_FOUND);
  world.deleteNotification(id);
  world.commit();
  sendNotificationList(call.shared, userId);
  return { ok: true, ...(profile.generation === 2 ? { msg: 'successDeleted', msgi18n: true } : { msg: 'Deleted' }) };
};

export const notificationHandlers: Record<string, Handler> = { addNotification, deleteNotification };
