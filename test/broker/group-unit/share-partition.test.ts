/**
 * SharePartition, the per-partition state of a share group: acquisition up to the in-flight
 * limit, locks that expire into redelivery, ACCEPT/RELEASE/REJECT/GAP, the delivery-count limit,
 * start-offset movement, control batches and gaps, and the snapshot that survives a restart
 * (acquired records come back available, acknowledged ones do not); plus random sequences of
 * operations checked against the rule that a record is never held by two members at once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AcknowledgeType, SharePartition, type OfferedBatch, type SharePartitionLimits } from '../../../src/broker/group/share-groups/share-partition.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';

const LIMITS: SharePartitionLimits = { lockDurationMs: 1000, deliveryCountLimit: 3, maxInFlight: 100 };
const batch = (baseOffset: number, lastOffset: number, isControl = false): OfferedBatch => ({ baseOffset, lastOffset, isControl });
const span = (ranges: { firstOffset: number; lastOffset: number; deliveryCount: number }[]): string => ranges.map((r) => `${r.firstOffset}-${r.lastOffset}x${r.deliveryCount}`).join(' ');

describe('share partition state', () => {
  it('acquires new records once, redelivers them when the lock expires, and archives at the limit', () => {
    const sp = new SharePartition(0, () => LIMITS);
    assert.equal(span(sp.acquire('a', [batch(0, 4)], 0)), '0-4x1');
    assert.equal(span(sp.acquire('b', [batch(0, 4)], 10)), '', 'nothing left for b');
    assert.equal(sp.nextFetchOffset(), 5);
    sp.expireLocks(1000);
    assert.equal(sp.nextFetchOffset(), 0);
    assert.equal(span(sp.acquire('b', [batch(0, 4)], 1000)), '0-4x2');
    sp.expireLocks(2000);
    assert.equal(span(sp.acquire('a', [batch(0, 4)], 2000)), '0-4x3');
    sp.expireLocks(3000);
    // delivered three times: archived, not available again
    assert.equal(span(sp.acquire('a', [batch(0, 4)], 3000)), '');
    assert.equal(sp.startOffset, 5);
  });

  it('applies acknowledgements of the holder only, and moves the start offset', () => {
    const sp = new SharePartition(10, () => LIMITS);
    sp.acquire('a', [batch(10, 19)], 0);
    assert.equal(sp.acknowledge('b', 10, 12, [AcknowledgeType.ACCEPT]), ErrorCode.INVALID_RECORD_STATE);
    assert.equal(sp.acknowledge('a', 10, 12, [AcknowledgeType.ACCEPT]), ErrorCode.NONE);
    assert.equal(sp.startOffset, 13);
    assert.equal(sp.acknowledge('a', 10, 10, [AcknowledgeType.ACCEPT]), ErrorCode.INVALID_RECORD_STATE, 'already done');
    assert.equal(sp.acknowledge('a', 13, 15, [AcknowledgeType.REJECT, AcknowledgeType.RELEASE, AcknowledgeType.ACCEPT]), ErrorCode.NONE);
    assert.equal(sp.startOffset, 14);
    assert.equal(span(sp.acquire('b', [batch(10, 19)], 5)), '14-14x2');
    assert.equal(sp.acknowledge('a', 16, 17, [1, 2, 3]), ErrorCode.INVALID_REQUEST, 'one type per offset or one for all');
    // a range reaching past what was ever handed out is refused at once, however long
    assert.equal(sp.acknowledge('a', 16, Number.MAX_SAFE_INTEGER, [AcknowledgeType.ACCEPT]), ErrorCode.INVALID_RECORD_STATE);
  });

  it('skips control batches and gaps between batches', () => {
    const sp = new SharePartition(0, () => LIMITS);
    const got = sp.acquire('a', [batch(0, 1), batch(2, 2, true), batch(5, 6)], 0);
    assert.equal(span(got), '0-1x1 5-6x1');
    assert.equal(sp.acknowledge('a', 0, 6, [AcknowledgeType.ACCEPT, AcknowledgeType.ACCEPT, 0, 0, 0, AcknowledgeType.ACCEPT, AcknowledgeType.ACCEPT]), ErrorCode.NONE);
    assert.equal(sp.startOffset, 7);
    assert.equal(sp.inFlight.size, 0);
  });

  it('acquires at most the in-flight limit', () => {
    const sp = new SharePartition(0, () => ({ ...LIMITS, maxInFlight: 3 }));
    assert.equal(span(sp.acquire('a', [batch(0, 9)], 0)), '0-2x1');
    assert.equal(sp.hasAcquirable(10), false);
    sp.acknowledge('a', 0, 0, [AcknowledgeType.ACCEPT]);
    assert.equal(span(sp.acquire('b', [batch(0, 9)], 0)), '3-3x1');
  });

  it('restores from its snapshot: acknowledged records stay done, acquired ones are available again', () => {
    const sp = new SharePartition(0, () => LIMITS);
    sp.acquire('a', [batch(0, 5)], 0);
    sp.acknowledge('a', 0, 1, [AcknowledgeType.ACCEPT]);
    sp.acknowledge('a', 3, 3, [AcknowledgeType.REJECT]);
    sp.acknowledge('a', 5, 5, [AcknowledgeType.ACCEPT]);
    const snap = sp.snapshot();
    const back = SharePartition.restore(snap.startOffset, snap.batches, () => LIMITS);
    assert.equal(back.startOffset, 2);
    assert.equal(back.endOffset, 6);
    assert.deepEqual([...back.inFlight.keys()].sort(), [2, 4]);
    assert.equal(span(back.acquire('b', [batch(0, 5), batch(6, 6)], 0)), '2-2x2 4-4x2 6-6x1');
  });

  it('never lets two members hold one record, whatever happens', () => {
    fc.assert(fc.property(fc.array(fc.record({
      op: fc.constantFrom('acquire', 'ack', 'expire', 'leave'),
      member: fc.constantFrom('a', 'b', 'c'),
      offset: fc.integer({ min: 0, max: 15 }),
      type: fc.constantFrom(1, 2, 3),
    }), { maxLength: 80 }), (ops) => {
      const sp = new SharePartition(0, () => ({ lockDurationMs: 50, deliveryCountLimit: 4, maxInFlight: 6 }));
      let now = 0;
      const done = new Set<number>();
      for (const o of ops) {
        now += 10;
        if (o.op === 'acquire') {
          for (const r of sp.acquire(o.member, [batch(0, 7), batch(8, 15)], now)) {
            for (let x = r.firstOffset; x <= r.lastOffset; x++) assert.ok(!done.has(x), `offset ${x} delivered after it was done`);
          }
        } else if (o.op === 'ack') {
          const holder = sp.inFlight.get(o.offset)?.memberId;
          const code = sp.acknowledge(o.member, o.offset, o.offset, [o.type]);
          if (code === ErrorCode.NONE && o.type !== AcknowledgeType.RELEASE) done.add(o.offset);
          if (code === ErrorCode.NONE) assert.equal(holder, o.member, 'only the holder may acknowledge');
        } else if (o.op === 'expire') sp.expireLocks(now);
        else sp.releaseMember(o.member);
        for (const [offset, r] of sp.inFlight) {
          assert.ok(offset >= sp.startOffset && offset < sp.endOffset);
          assert.equal(r.state === 'acquired', r.memberId !== null);
          assert.ok(r.deliveryCount <= 4);
        }
      }
    }), { numRuns: 300 });
  });
});
