/**
 * The etcd view's placeable brokers: a registered broker whose election candidacy ended (it died
 * and one lease lapsed first, or it is shutting down) gets no new replicas until it registers or
 * campaigns afresh; a broker that has not campaigned yet (just started) is placeable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdKeys } from '../../../src/cluster/etcd/etcd-keys.js';
import { EtcdView } from '../../../src/cluster/etcd/etcd-view.js';

const keys = new EtcdKeys('/g');
let revision = 1;
const kv = (key: string, value: string) => ({ key, value: Buffer.from(value), modRevision: String(++revision), createRevision: String(revision) });
const broker = (id: number) => kv(keys.broker(id), JSON.stringify({ nodeId: id, host: '127.0.0.1', port: 9000 + id, rack: null }));
const candidateKey = (lease: string) => `/g/election/controller/${lease}`;
const ids = (v: EtcdView) => v.placeableBrokers().map((b) => b.nodeId);

test('a broker whose candidacy lapsed before its registration gets no new replicas', () => {
  const v = new EtcdView(keys, () => assert.fail('bad value'));
  for (const id of [0, 1, 2]) v.put(broker(id));
  assert.deepEqual(ids(v), [0, 1, 2], 'not campaigning yet: placeable');
  for (const id of [0, 1, 2]) v.put(kv(candidateKey(`l${id}`), String(id)));
  assert.equal(v.controllerId(), 0);
  v.delete(candidateKey('l0'));
  assert.equal(v.controllerId(), 1);
  assert.deepEqual(v.brokerList().map((b) => b.nodeId), [0, 1, 2], 'still registered');
  assert.deepEqual(ids(v), [1, 2], 'but on its way out');
  v.delete(keys.broker(0));
  v.put(broker(0));
  assert.deepEqual(ids(v), [0, 1, 2], 'registered afresh: placeable again');
  v.delete(candidateKey('l2'));
  assert.deepEqual(ids(v), [0, 1]);
  v.put(kv(candidateKey('l2b'), '2'));
  assert.deepEqual(ids(v), [0, 1, 2], 'campaigning afresh: placeable again');
});
