/** What the executor reports while it works; the CLI turns these into lines or JSON events. */

/** `move`, `import` and `forget`: what moved, import and removed blocks do to state before the rest. */
export type OperationKind = 'create' | 'update' | 'delete' | 'read' | 'move' | 'import' | 'forget';

export interface OperationStart {
  address: string;
  operation: OperationKind;
}

export interface OperationEnd extends OperationStart {
  outcome: 'ok' | 'error';
  id?: string;
  message?: string;
}

export interface ApplyEvents {
  operationStart(e: OperationStart): void;
  operationProgress(e: OperationStart & { message: string }): void;
  operationEnd(e: OperationEnd): void;
}

/** Apply progress as a caller shows it (render/apply-progress.ts): the events, and a stop once the run ends. */
export interface ApplyProgress extends ApplyEvents {
  stop(): void;
}

export const silentEvents: ApplyEvents = {
  operationStart() {},
  operationProgress() {},
  operationEnd() {},
};
