/**
 * What a fake provider instance works with: its world, and the wrapper every call goes
 * through — recorded (to memory, and to a calls file when configured), slowed by the
 * configured latency, and failed now and then when faults are configured.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Attributes } from '../../src/core/value.js';
import { ProviderError } from '../../src/provider/contract.js';
import { type FaultSettings, NO_FAULTS } from './fake-faults.js';
import { FakeWorld } from './fake-world.js';

export interface RecordedCall {
  method: 'read' | 'create' | 'update' | 'delete' | 'reserve' | 'recover' | 'import';
  type: string;
  id?: string;
  /** Resource name attribute, to identify calls in tests. */
  name?: string;
  phase: 'start' | 'end';
}

export class FakeSession {
  readonly calls: RecordedCall[] = [];
  world = new FakeWorld();
  latencyMs = 0;
  callsLog: string | undefined;
  faults: FaultSettings = NO_FAULTS;

  async call<T>(
    method: RecordedCall['method'],
    type: string,
    attrs: Attributes | undefined,
    id: string | undefined,
    fn: () => T,
  ): Promise<T> {
    const base: Omit<RecordedCall, 'phase'> = { method, type };
    if (id !== undefined) base.id = id;
    if (typeof attrs?.['name'] === 'string') base.name = attrs['name'];
    this.record({ ...base, phase: 'start' });
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const faulty = method === 'create' || method === 'update' || method === 'delete';
    if (faulty && this.faults.random() < this.faults.failRate) {
      throw new ProviderError(`fake: injected fault: the ${method} was refused and did nothing`, {
        retryable: true,
        safeToRetry: true,
        status: 503,
      });
    }
    const result = fn();
    if (faulty && this.faults.random() < this.faults.lostReplyRate) {
      throw new ProviderError(`fake: injected fault: the reply to the ${method} was lost (it took effect)`, { retryable: true });
    }
    this.record({ ...base, phase: 'end' });
    return result;
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    if (this.callsLog) appendFileSync(this.callsLog, JSON.stringify(call) + '\n');
  }
}
