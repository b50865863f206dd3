/** What the executor reports while it works; the CLI turns these into lines or JSON events. */

export type OperationKind = 'create' | 'update' | 'delete' | 'read';

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

export const silentEvents: ApplyEvents = {
  operationStart() {},
  operationProgress() {},
  operationEnd() {},
};
