/**
 * What differs between the Uptime Kuma versions the emulator can play: 2.5.3 (the second
 * protocol generation: `updateMonitorIntoList` / `deleteMonitorFromList` pushes, `conditions`
 * required, 1 s minimum interval, i18n message keys) and 1.23.16 (the whole `monitorList`
 * re-sent after every change, 20 s minimum interval, English messages).
 */

export type KumaEmulatorVersion = '2.5.3' | '1.23.16';

export const KUMA_EMULATOR_VERSIONS: readonly KumaEmulatorVersion[] = ['2.5.3', '1.23.16'];

/** A callback answer, as Kuma's socket handlers send them. */
export type KumaAnswer = Record<string, unknown>;

export interface KumaVersionProfile {
  version: KumaEmulatorVersion;
  /** 1: whole `monitorList` after each change; 2: `updateMonitorIntoList` / `deleteMonitorFromList`. */
  generation: 1 | 2;
  /** MIN_INTERVAL_SECOND of src/util.ts. */
  minIntervalSecond: number;
  /** MAX_INTERVAL_SECOND checked by validate() (1.23); undefined: no maximum (2.5.3's validate() has none). */
  maxIntervalSecond: number | undefined;
  /**
   * 2.x `io.on("connection")` awaits sendInfo before registering its handlers (events sent
   * earlier are dropped) and emits `loginRequired` after; 1.23 registers them at once.
   */
  handlersAfterInfo: boolean;
  /** 2.x awaits afterLogin() before answering `login`; 1.23 answers first and pushes the lists after. */
  answersLoginAfterPushes: boolean;
  /** 2.x Notification.save() stores `applyExisting: false` (a one-time action); 1.23 stores what it was sent. */
  storesApplyExisting: boolean;
  /** 2.x validate() checks ping timeouts (rounded, 1-300 s, at least the per-request timeout). */
  validatesPingTimeout: boolean;
  /** 2.x validate() also bounds retryInterval; 1.23 only the interval. */
  validatesRetryInterval: boolean;
  /** 2.x: the `conditions` column is NOT NULL without a default. */
  requiresConditions: boolean;
  /** 2.x getMonitor answers `path: [null], pathName: ""` (the list pushes carry the real path). */
  getMonitorHidesPath: boolean;
  messages: {
    added: KumaAnswer;
    saved: KumaAnswer;
    deleted: KumaAnswer;
    paused: KumaAnswer;
    resumed: KumaAnswer;
    incorrectCreds: KumaAnswer;
    invalidToken: KumaAnswer;
    userInactive: KumaAnswer;
    passwordTooWeak: KumaAnswer;
    alreadyInitialized: KumaAnswer;
    setupDone: KumaAnswer;
    tagNotFound: KumaAnswer | null;
  };
}

const INITIALIZED = 'Uptime Kuma has been initialized. If you want to run setup again, please delete the database.';

const V2: KumaVersionProfile = {
  version: '2.5.3',
  generation: 2,
  minIntervalSecond: 1,
  maxIntervalSecond: undefined,
  handlersAfterInfo: true,
  answersLoginAfterPushes: true,
  storesApplyExisting: false,
  validatesPingTimeout: true,
  validatesRetryInterval: true,
  requiresConditions: true,
  getMonitorHidesPath: true,
  messages: {
    added: { msg: 'successAdded', msgi18n: true },
    saved: { msg: 'Saved.', msgi18n: true },
    deleted: { msg: 'successDeleted', msgi18n: true },
    paused: { msg: 'successPaused', msgi18n: true },
    resumed: { msg: 'successResumed', msgi18n: true },
    incorrectCreds: { msg: 'authIncorrectCreds', msgi18n: true },
    invalidToken: { msg: 'authInvalidToken', msgi18n: true },
    userInactive: { msg: 'authUserInactiveOrDeleted', msgi18n: true },
    passwordTooWeak: { msg: 'passwordTooWeak', msgi18n: true },
    alreadyInitialized: { msg: INITIALIZED, msgi18n: false },
    setupDone: { msg: 'successAdded', msgi18n: true },
    tagNotFound: { msg: 'tagNotFound', msgi18n: true },
  },
};

const V1: KumaVersionProfile = {
  version: '1.23.16',
  generation: 1,
  minIntervalSecond: 20,
  maxIntervalSecond: 2073600,
  handlersAfterInfo: false,
  answersLoginAfterPushes: false,
  storesApplyExisting: true,
  validatesPingTimeout: false,
  validatesRetryInterval: false,
  requiresConditions: false,
  getMonitorHidesPath: false,
  messages: {
    added: { msg: 'Added Successfully.' },
    saved: { msg: 'Saved Successfully.' },
    deleted: { msg: 'Deleted Successfully.' },
    paused: { msg: 'Paused Successfully.' },
    resumed: { msg: 'Resumed Successfully.' },
    incorrectCreds: { msg: 'Incorrect username or password.' },
    invalidToken: { msg: 'Invalid token.' },
    userInactive: { msg: 'The user is inactive or deleted.' },
    passwordTooWeak: {
      msg: 'Password is too weak. It should contain alphabetic and numeric characters. It must be at least 6 characters in length.',
    },
    alreadyInitialized: { msg: INITIALIZED },
    setupDone: { msg: 'Added Successfully.' },
    tagNotFound: null,
  },
};

export function versionProfile(version: KumaEmulatorVersion): KumaVersionProfile {
  return version === '1.23.16' ? V1 : V2;
}
