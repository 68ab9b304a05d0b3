/**
 * The broker's /metrics move as traffic does: produced bytes and records per topic, consumed
 * bytes, requests per API, log size, connections, groups and consumer lag that falls to 0 once
 * the group commits the end offset, fsync durations under acks=all.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin } from '../../../src/client/admin/admin.js';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/clients/raw-client.js';
import { makeBatch } from '../../support/batches.js';

/** The value of a metric line, matched by name and labels (in the text format's order). */
function value(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('broker metrics', () => {
  let server: TestBroker;
  let client: KafkaClient;
  let admin: Admin;
  let url = '';

  before(async () => {
    server = await startTestBroker({ 'http.listeners': 'http://127.0.0.1:0', 'num.partitions': '1' });
    url = `http://127.0.0.1:${server.broker.http.bound[0]!.port}/metrics`;
    client = await KafkaClient.connect({ bootstrap: [server.bootstrap], clientId: 'metrics-test' });
    admin = new Admin(client);
    await admin.createTopics([{ name: 'm', numPartitions: 1, replicationFactor: 1 }]);
  });

  after(async () => {
    client?.close();
    await server?.stop();
  });

  const scrape = async (): Promise<string> => (await fetch(url)).text();

  it('counts produced and consumed bytes and records, requests, log size, connections', async () => {
    const raw = await RawClient.connect(server.port);
    const batch = makeBatch({ count: 5, valueSize: 100 });
    const r = await raw.request(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'm', partitionData: [{ index: 0, records: batch }] }] });
    assert.equal(r.responses[0]!.partitionResponses[0]!.errorCode, 0);
    let text = await scrape();
    assert.equal(value(text, 'kafka_server_brokertopicmetrics_bytesin_total', 'topic="m"'), batch.length);
    assert.equal(value(text, 'kafka_server_brokertopicmetrics_messagesin_total', 'topic="m"'), 5);
    assert.ok((value(text, 'kafka_network_requestmetrics_requests_total', 'request="Produce",version="9"') ?? 0) >= 1);
    assert.ok((value(text, 'kafka_log_log_size', 'topic="m",partition="0"') ?? 0) >= batch.length);
    assert.equal(value(text, 'kafka_log_log_numlogsegments', 'topic="m",partition="0"'), 1);
    assert.equal(value(text, 'kafka_log_log_logendoffset', 'topic="m",partition="0"'), 5);
    assert.ok((value(text, 'kafka_server_socketservermetrics_connection_count', 'listener="PLAINTEXT"') ?? 0) >= 2);
    assert.equal(value(text, 'kafka_controller_kafkacontroller_activecontrollercount'), 1);
    assert.ok((value(text, 'kafka_log_logflushstats_logflush_seconds_count') ?? 0) >= 1, 'acks=all fsynced');
    const fetched = await raw.request(ApiKey.Fetch, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'm', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    text = await scrape();
    assert.equal(value(text, 'kafka_server_brokertopicmetrics_bytesout_total', 'topic="m"'), fetched.responses[0]!.partitions[0]!.records!.length);
    // a long poll past the end waits in the fetch purgatory
    const waiting = await RawClient.connect(server.port);
    waiting.send(ApiKey.Fetch, 12, {
      replicaId: -1, maxWaitMs: 3000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'm', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 5n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    let parked = 0;
    for (let i = 0; i < 50 && parked === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      parked = value(await scrape(), 'kafka_server_delayedoperationpurgatory_purgatorysize', 'delayedOperation="Fetch"') ?? 0;
    }
    assert.equal(parked, 1);
    waiting.socket.destroy();
    raw.socket.destroy();
  });

  it('consumer lag per group and partition, and groups by state', async () => {
    await admin.commitGroupOffsets('lagging', [{ topic: 'm', partition: 0, offset: 1 }]);
    let text = await scrape();
    assert.equal(value(text, 'kafka_consumergroup_lag', 'group="lagging",topic="m",partition="0"'), 4);
    assert.equal(value(text, 'kafka_coordinator_group_groupmetadatamanager_numgroups', 'state="Empty"'), 1);
    await admin.commitGroupOffsets('lagging', [{ topic: 'm', partition: 0, offset: 5 }]);
    text = await scrape();
    assert.equal(value(text, 'kafka_consumergroup_lag', 'group="lagging",topic="m",partition="0"'), 0);
  });
});
