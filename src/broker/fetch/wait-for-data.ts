/**
 * Long polling: resolves when any of `partitions` gets new readable data or after `timeoutMs` on
 * `clock`, whichever comes first (consumer and follower fetches both wait this way).
 */
import type { Clock } from '../../common/clock.js';
import type { Partition } from '../replica/partition.js';

export function waitForData(partitions: readonly Partition[], timeoutMs: number, clock: Clock): Promise<void> {
  return new Promise((resolve) => {
    const cancels: (() => void)[] = [];
    const done = (): void => {
      for (const c of cancels) c();
      resolve();
    };
    for (const p of partitions) cancels.push(p.onNewData(done));
    const timer = clock.schedule(timeoutMs, done);
    cancels.push(() => timer.cancel());
  });
}
