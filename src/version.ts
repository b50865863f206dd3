/** The version of hl, printed by `hl version` and `hl --help` and recorded in state, locks and plans. */
export const HL_VERSION = '0.1.0';
