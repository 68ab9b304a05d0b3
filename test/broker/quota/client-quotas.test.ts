/**
 * Client quotas on a running broker (windows of 1 s, 2 samples, so the numbers are small): a
 * producer above producer_byte_rate is told its throttle time and its connection is not read
 * for that long, while another client id is untouched; a consumer above consumer_byte_rate gets
 * an empty, throttled fetch; quotas are set and listed through the admin APIs and kafka-configs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin } from '../../../src/client/admin/admin.js';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/clients/raw-client.js';
import { makeBatch } from '../../support/batches.js';
import { gregor } from '../../support/cli.js';

describe('client quotas', () => {
  let server: TestBroker;
  let client: KafkaClient;
  let admin: Admin;

  before(async () => {
    server = await startTestBroker({ 'quota.window.num': '2', 'quota.window.size.seconds': '1', 'num.partitions': '1' });
    client = await KafkaClient.connect({ bootstrap: [server.bootstrap], clientId: 'quota-admin' });
    admin = new Admin(client);
    await admin.createTopics([{ name: 'q', numPartitions: 1, replicationFactor: 1 }]);
  });

  after(async () => {
    client?.close();
    await server?.stop();
  });

  const produce = (raw: RawClient, batch: Buffer) => raw.request(ApiKey.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'q', partitionData: [{ index: 0, records: batch }] }] }, 15_000); // a loaded disk may hold a write for seconds

  it('kafka-configs sets and lists quotas of clients, users and defaults', async () => {
    const set = await gregor(['kafka-configs', '--bootstrap-server', server.bootstrap, '--alter', '--entity-type', 'clients', '--entity-name', 'gregor-raw-test', '--add-config', 'producer_byte_rate=50000']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /Completed updating config for client-id 'gregor-raw-test'/);
    const dflt = await gregor(['kafka-configs', '--bootstrap-server', server.bootstrap, '--alter', '--entity-type', 'users', '--entity-default', '--add-config', 'request_percentage=80']);
    assert.equal(dflt.code, 0, dflt.stderr);
    const listed = await gregor(['kafka-configs', '--bootstrap-server', server.bootstrap, '--describe', '--entity-type', 'clients']);
    assert.match(listed.stdout, /Quota configs for client-id 'gregor-raw-test' are producer_byte_rate=50000\.0/);
    const bad = await gregor(['kafka-configs', '--bootstrap-server', server.bootstrap, '--alter', '--entity-type', 'clients', '--entity-name', 'x', '--add-config', 'producer_byte_rate=-5']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /must be positive/);
    const entries = await admin.describeClientQuotas([{ entityType: 'user', match: 'default' }], true);
    assert.deepEqual(entries, [{ entity: [{ entityType: 'user', entityName: null }], values: { request_percentage: 80 } }]);
    const [removed] = await admin.alterClientQuotas([{ entity: [{ entityType: 'user', entityName: null }], ops: [{ key: 'request_percentage', value: null }] }]);
    assert.equal(removed!.errorCode, 0);
  });

  it('a producer over producer_byte_rate is told its throttle time and not read meanwhile; another client is not', async () => {
    const raw = await RawClient.connect(server.port);
    const batch = makeBatch({ count: 100, valueSize: 1000 }); // about 100 KB: twice the 50 KB/s quota over the 1 s span
    const first = await produce(raw, batch);
    assert.equal(first.responses[0]!.partitionResponses[0]!.errorCode, 0, 'the records are appended: a quota delays, it does not refuse');
    const throttle = first.throttleTimeMs ?? 0;
    assert.ok(throttle >= 900 && throttle <= 1300, `throttle ${throttle} ms for ~100 KB at 50 KB/s over 1 s`);
    const sent = Date.now();
    await raw.request(ApiKey.Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.ok(Date.now() - sent >= throttle * 0.8, `the connection was muted (${Date.now() - sent} ms of ${throttle})`);
    raw.socket.destroy();
    // another client id has no quota: the same 100 KB is not throttled
    const other = await RawClient.connect(server.port);
    other.clientId = 'unlimited';
    const free = await produce(other, batch);
    assert.equal(free.throttleTimeMs, 0);
    other.socket.destroy();
    const [gone] = await admin.alterClientQuotas([{ entity: [{ entityType: 'client-id', entityName: 'gregor-raw-test' }], ops: [{ key: 'producer_byte_rate', value: null }] }]);
    assert.equal(gone!.errorCode, 0);
  });

  it('a consumer over consumer_byte_rate gets an empty throttled fetch, and its bytes do not count', async () => {
    const [set] = await admin.alterClientQuotas([{ entity: [{ entityType: 'client-id', entityName: 'gregor-raw-test' }], ops: [{ key: 'consumer_byte_rate', value: 150000 }] }]);
    assert.equal(set!.errorCode, 0);
    const raw = await RawClient.connect(server.port);
    const fetch = (offset: bigint) => raw.request(ApiKey.Fetch, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 120_000, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'q', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 120_000 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const a = await fetch(0n);
    const bytes = a.responses[0]!.partitions[0]!.records?.length ?? 0;
    assert.ok(bytes > 90_000, `the first fetch carries the ~100 KB batch (${bytes})`);
    assert.equal(a.throttleTimeMs, 0);
    const b = await fetch(0n);
    assert.equal(b.responses[0]!.partitions[0]!.records?.length ?? 0, 0, 'throttled: no records');
    assert.ok((b.throttleTimeMs ?? 0) > 0);
    raw.socket.destroy();
  });
});
