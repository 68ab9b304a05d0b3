/**
 * DescribeCluster against real brokers: kafkajs's describeCluster (which reads Metadata) agrees with
 * the DescribeCluster API; raw v0/v1 requests for the cluster id, brokers with racks, controller,
 * authorized operations and endpoint types.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { CLUSTER_OPERATIONS } from '../../../src/broker/handlers/authorized-operations.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kafkajsAdmin, rawClient } from './clients.js';
import type { RawClient } from './raw-client.js';

let tb: TestBroker;
let admin: Admin;
let raw: RawClient;

before(async () => {
  tb = await startTestBroker({ 'node.id': '7', 'broker.rack': 'rack-a' });
  admin = await kafkajsAdmin(tb);
  raw = await rawClient(tb);
});

after(async () => {
  await admin.disconnect();
  raw.close();
  await tb.stop();
});

test('DescribeCluster v1: cluster id, this broker with its rack, the controller; kafkajs sees the same', async () => {
  const r = await raw.send(ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 1 });
  assert.equal(r.errorCode, ErrorCode.NONE);
  assert.equal(r.errorMessage, null);
  assert.equal(r.endpointType, 1);
  assert.equal(r.clusterId, tb.broker.services.metadata.clusterId);
  assert.equal(r.controllerId, 7);
  assert.deepEqual(r.brokers.map((b) => ({ ...b })), [{ brokerId: 7, host: '127.0.0.1', port: tb.port, rack: 'rack-a' }]);
  assert.equal(r.clusterAuthorizedOperations, -2147483648, 'not requested');
  const k = await admin.describeCluster();
  assert.equal(k.clusterId, r.clusterId);
  assert.equal(k.controller, 7);
  assert.deepEqual(k.brokers.map((b) => [b.nodeId, b.host, b.port]), [[7, '127.0.0.1', tb.port]]);
});

test('authorized operations when asked (every cluster operation: no ACLs)', async () => {
  const r = await raw.send(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: true });
  assert.equal(r.errorCode, ErrorCode.NONE);
  assert.equal(r.clusterAuthorizedOperations, CLUSTER_OPERATIONS);
  for (const op of [5, 7, 8, 9, 10, 11, 12]) assert.ok(r.clusterAuthorizedOperations & (1 << op), `operation ${op}`);
});

test('endpoint types: controllers are MISMATCHED_ENDPOINT_TYPE, unknown types UNSUPPORTED_ENDPOINT_TYPE', async () => {
  const controllers = await raw.send(ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
  assert.equal(controllers.errorCode, ErrorCode.MISMATCHED_ENDPOINT_TYPE);
  assert.deepEqual(controllers.brokers, []);
  const unknown = await raw.send(ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 9 });
  assert.equal(unknown.errorCode, ErrorCode.UNSUPPORTED_ENDPOINT_TYPE);
  assert.match(unknown.errorMessage ?? '', /Unsupported endpoint type 9/);
});

test('a broker without a rack reports a null rack', async () => {
  const plain = await startTestBroker();
  const c = await rawClient(plain);
  try {
    const r = await c.send(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: false });
    assert.deepEqual(r.brokers.map((b) => [b.brokerId, b.rack]), [[1, null]]);
    assert.equal(r.controllerId, 1);
  } finally {
    c.close();
    await plain.stop();
  }
});
