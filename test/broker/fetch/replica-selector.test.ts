/**
 * Kafka's RackAwareReplicaSelector rules, and replica.selector.class accepting only the selectors
 * Gregor has.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RACK_AWARE_SELECTOR, selectRackAware, type ReplicaView } from '../../../src/broker/fetch/replica-selector.js';
import { BrokerConfig } from '../../../src/broker/config/broker-config.js';

const view = (nodeId: number, rack: string | null, logEndOffset = 100, timeSinceCaughtUpMs = 0): ReplicaView => ({ nodeId, rack, logEndOffset, timeSinceCaughtUpMs });

test('a consumer without a rack, or with no replica in it, stays on the leader', () => {
  const leader = view(0, 'a');
  assert.equal(selectRackAware('', leader, [view(1, 'b')]), 0);
  assert.equal(selectRackAware('c', leader, [view(1, 'b')]), 0);
});

test('the leader in the consumer\'s rack wins; otherwise the most caught-up replica there', () => {
  assert.equal(selectRackAware('a', view(0, 'a'), [view(1, 'a', 200)]), 0);
  const leader = view(0, 'x');
  assert.equal(selectRackAware('b', leader, [view(1, 'b', 90), view(2, 'b', 100), view(3, 'c', 500)]), 2);
  assert.equal(selectRackAware('b', leader, [view(1, 'b', 100, 50), view(2, 'b', 100, 10)]), 2, 'equal log ends: the one caught up most recently');
});

test('replica.selector.class takes Kafka\'s rack-aware selector and refuses other classes', () => {
  assert.equal(BrokerConfig.fromMap({ 'replica.selector.class': RACK_AWARE_SELECTOR }).str('replica.selector.class'), RACK_AWARE_SELECTOR);
  assert.equal(BrokerConfig.fromMap({}).str('replica.selector.class'), null);
  assert.throws(() => BrokerConfig.fromMap({ 'replica.selector.class': 'com.example.MySelector' }), /replica\.selector\.class/);
});
