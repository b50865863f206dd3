/**
 * The client's copy of the notification list. Kuma has no call to read one notification:
 * the list arrives as `notificationList` pushes (after login and after every change, to every
 * socket of the user), and each push replaces the copy.
 */

export interface KumaNotificationObject {
  id: number;
  name: string;
  /** The notification object as saved (name, type, isDefault, applyExisting, fields). */
  config: Record<string, unknown>;
  isDefault: boolean;
  active: boolean;
}

export class NotificationCache {
  private list: KumaNotificationObject[] = [];
  private seq = 0;
  private waiters: { afterSeq: number; resolve: () => void }[] = [];

  get sequence(): number {
    return this.seq;
  }

  replaceAll(raw: unknown): void {
    const items = Array.isArray(raw) ? raw : [];
    this.list = items.flatMap((item): KumaNotificationObject[] => {
      if (item === null || typeof item !== 'object') return [];
      const n = item as Record<string, unknown>;
      let config: Record<string, unknown> = {};
      try {
        const parsed: unknown = typeof n.config === 'string' ? JSON.parse(n.config) : n.config;
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) config = parsed as Record<string, unknown>;
      } catch {
        config = {};
      }
      const isDefault = n.isDefault ?? n.is_default ?? config.isDefault;
      return [
        {
          id: Number(n.id),
          name: String(n.name ?? config.name ?? ''),
          config,
          isDefault: isDefault === true || isDefault === 1,
          active: n.active !== false && n.active !== 0,
        },
      ];
    });
    this.seq += 1;
    const ready = this.waiters.filter((w) => this.seq > w.afterSeq);
    this.waiters = this.waiters.filter((w) => this.seq <= w.afterSeq);
    for (const w of ready) w.resolve();
  }

  /** Resolves once a push newer than `afterSeq` has been applied. */
  after(afterSeq: number): Promise<void> {
    if (this.seq > afterSeq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ afterSeq, resolve }));
  }

  get(id: number): KumaNotificationObject | undefined {
    return this.list.find((n) => n.id === id);
  }

  byName(name: string): KumaNotificationObject[] {
    return this.list.filter((n) => n.name === name);
  }

  all(): KumaNotificationObject[] {
    return [...this.list];
  }
}
