/**
 * The Admin client against a real broker: topics (checked with kcat -L too), configs with their
 * sources, groups after a kcat -G consumer ran, committed offsets, listed offsets by spec,
 * deleteRecords moving the low watermark, and the cluster description.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '../../../src/client/admin/admin.js';
import { decodeConsumerAssignment } from '../../../src/client/admin/consumer-protocol.js';
import { ClientError } from '../../../src/client/client-error.js';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kcatConsume, kcatMetadata, kcatMissing, kcatProduce } from '../../support/clients/kcat.js';
import { startKcatGroupConsumer } from '../../support/clients/groups.js';
import { produceBatch, readPartition } from '../../support/clients/raw-client.js';
import { waitFor } from '../../support/clients/wait.js';

const noKcat = kcatMissing();
if (noKcat) console.log(`# skipping kcat cross-checks: ${noKcat}`);

let tb: TestBroker;
let client: KafkaClient;
let admin: Admin;

before(async () => {
  tb = await startTestBroker({ 'group.min.session.timeout.ms': '1000' });
  client = await KafkaClient.connect({ bootstrap: [tb.bootstrap], clientId: 'admin-test', retryBackoffMs: 50 });
  admin = new Admin(client);
});

after(async () => {
  client?.close();
  await tb?.stop();
});

function kafkaCode(e: unknown): number | undefined {
  return e instanceof ClientError ? e.kafkaCode : undefined;
}

describe('topics', () => {
  test('createTopics creates the partitions describeTopics, listTopics and kcat -L see', async () => {
    const [r] = await admin.createTopics([{ name: 'five', numPartitions: 5, replicationFactor: 1, configs: { 'retention.ms': '123456' } }]);
    assert.equal(r!.errorCode, ErrorCode.NONE);
    assert.equal(r!.error, null);
    assert.equal(r!.numPartitions, 5);
    assert.equal(r!.replicationFactor, 1);
    assert.ok(r!.topicId && r!.topicId !== 'AAAAAAAAAAAAAAAAAAAAAA', 'CreateTopics v7 returns the topic id');

    const [d] = await admin.describeTopics(['five']);
    assert.equal(d!.name, 'five');
    assert.equal(d!.topicId, r!.topicId);
    assert.equal(d!.internal, false);
    assert.deepEqual(d!.partitions.map((p) => p.partition), [0, 1, 2, 3, 4]);
    const { brokers } = await admin.describeCluster();
    const nodeId = brokers[0]!.nodeId;
    for (const p of d!.partitions) {
      assert.equal(p.leader, nodeId);
      assert.deepEqual(p.replicas, [nodeId]);
      assert.deepEqual(p.isr, [nodeId]);
    }
    assert.ok((await admin.listTopics()).includes('five'));

    if (!noKcat) {
      const md = await kcatMetadata(tb.bootstrap, 'five');
      const t = md.topics.find((x) => x.topic === 'five');
      assert.ok(t, 'kcat sees the topic');
      assert.equal(t.partitions.length, 5);
      assert.ok(t.partitions.every((p) => p.leader === nodeId));
    }
  });

  test('creating an existing topic throws TOPIC_ALREADY_EXISTS, or reports it with returnErrors', async () => {
    await assert.rejects(admin.createTopics([{ name: 'five', numPartitions: 1 }]), (e) => kafkaCode(e) === ErrorCode.TOPIC_ALREADY_EXISTS);
    const results = await admin.createTopics([{ name: 'five', numPartitions: 1 }, { name: 'fresh', numPartitions: 2 }], { returnErrors: true });
    assert.deepEqual(results.map((r) => [r.name, r.error]), [['five', 'TOPIC_ALREADY_EXISTS'], ['fresh', null]]);
    assert.equal((await admin.describeTopics(['fresh']))[0]!.partitions.length, 2);
  });

  test('validateOnly checks a topic without creating it', async () => {
    const [r] = await admin.createTopics([{ name: 'only-validated', numPartitions: 3 }], { validateOnly: true });
    assert.equal(r!.errorCode, ErrorCode.NONE);
    assert.ok(!(await admin.listTopics()).includes('only-validated'));
    await assert.rejects(admin.createTopics([{ name: 'bad', numPartitions: 1, configs: { 'cleanup.policy': 'sideways' } }], { validateOnly: true }),
      (e) => kafkaCode(e) === ErrorCode.INVALID_CONFIG);
  });

  test('createPartitions grows a topic; shrinking is refused', async () => {
    await admin.createTopics([{ name: 'growing', numPartitions: 2 }]);
    await admin.createPartitions('growing', 4);
    assert.equal((await admin.describeTopics(['growing']))[0]!.partitions.length, 4);
    await assert.rejects(admin.createPartitions('growing', 3), (e) => kafkaCode(e) === ErrorCode.INVALID_PARTITIONS);
    if (!noKcat) {
      const md = await kcatMetadata(tb.bootstrap, 'growing');
      assert.equal(md.topics.find((t) => t.topic === 'growing')?.partitions.length, 4);
    }
  });

  test('deleteTopics removes a topic; describing it then throws UNKNOWN_TOPIC_OR_PARTITION', async () => {
    await admin.createTopics([{ name: 'doomed', numPartitions: 1 }]);
    const [r] = await admin.deleteTopics(['doomed']);
    assert.equal(r!.errorCode, ErrorCode.NONE);
    assert.ok(!(await admin.listTopics()).includes('doomed'));
    await assert.rejects(admin.describeTopics(['doomed']), (e) => kafkaCode(e) === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const [again] = await admin.deleteTopics(['doomed'], { returnErrors: true });
    assert.equal(again!.error, 'UNKNOWN_TOPIC_OR_PARTITION');
  });
});

describe('configs', () => {
  test('describeConfigs names sources the way Kafka does, with synonyms and documentation on request', async () => {
    const [res] = await admin.describeConfigs([{ type: 'topic', name: 'five' }], { includeSynonyms: true, includeDocumentation: true });
    const byName = new Map(res!.entries.map((e) => [e.name, e]));
    const retention = byName.get('retention.ms')!;
    assert.equal(retention.value, '123456');
    assert.equal(retention.source, 'DYNAMIC_TOPIC_CONFIG');
    assert.equal(retention.isDefault, false);
    assert.equal(retention.synonyms[0]?.source, 'DYNAMIC_TOPIC_CONFIG');
    const cleanup = byName.get('cleanup.policy')!;
    assert.equal(cleanup.value, 'delete');
    assert.equal(cleanup.source, 'DEFAULT_CONFIG');
    assert.equal(cleanup.isDefault, true);
    assert.equal(typeof cleanup.documentation, 'string');
    assert.equal(cleanup.type, 'LIST');
    assert.deepEqual(cleanup.synonyms, [{ name: 'log.cleanup.policy', value: 'delete', source: 'DEFAULT_CONFIG' }], 'the broker setting behind the default');

    const [only] = await admin.describeConfigs([{ type: 'topic', name: 'five', keys: ['retention.ms'] }]);
    assert.deepEqual(only!.entries.map((e) => e.name), ['retention.ms']);
    assert.deepEqual(only!.entries[0]!.synonyms, [], 'no synonyms unless asked for');
    assert.equal(only!.entries[0]!.documentation, null);
  });

  test('broker configs come from the broker and show static overrides', async () => {
    const nodeId = (await admin.describeCluster()).brokers[0]!.nodeId;
    const [res] = await admin.describeConfigs([{ type: 'broker', name: String(nodeId), keys: ['group.min.session.timeout.ms', 'num.partitions'] }]);
    const byName = new Map(res!.entries.map((e) => [e.name, e]));
    assert.equal(byName.get('group.min.session.timeout.ms')?.value, '1000');
    assert.equal(byName.get('group.min.session.timeout.ms')?.source, 'STATIC_BROKER_CONFIG');
    assert.equal(byName.get('num.partitions')?.source, 'DEFAULT_CONFIG');
  });

  test('incrementalAlterConfigs sets, appends, subtracts and deletes; validateOnly changes nothing', async () => {
    const value = async (name: string): Promise<{ value: string | null; source: string } | undefined> => {
      const [r] = await admin.describeConfigs([{ type: 'topic', name: 'five', keys: [name] }]);
      const e = r!.entries[0];
      return e && { value: e.value, source: e.source };
    };
    await admin.incrementalAlterConfigs('topic', 'five', [{ name: 'max.message.bytes', op: 'set', value: '4096' }], { validateOnly: true });
    assert.equal((await value('max.message.bytes'))?.source, 'DEFAULT_CONFIG');

    await admin.incrementalAlterConfigs('topic', 'five', [
      { name: 'max.message.bytes', op: 'set', value: '4096' },
      { name: 'cleanup.policy', op: 'append', value: 'compact' },
    ]);
    assert.deepEqual(await value('max.message.bytes'), { value: '4096', source: 'DYNAMIC_TOPIC_CONFIG' });
    assert.deepEqual(await value('cleanup.policy'), { value: 'delete,compact', source: 'DYNAMIC_TOPIC_CONFIG' });

    await admin.incrementalAlterConfigs('topic', 'five', [
      { name: 'cleanup.policy', op: 'subtract', value: 'delete' },
      { name: 'max.message.bytes', op: 'delete' },
    ]);
    assert.deepEqual(await value('cleanup.policy'), { value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG' });
    assert.equal((await value('max.message.bytes'))?.source, 'DEFAULT_CONFIG');

    await assert.rejects(admin.incrementalAlterConfigs('topic', 'five', [{ name: 'retention.ms', op: 'set', value: 'soon' }]),
      (e) => kafkaCode(e) === ErrorCode.INVALID_CONFIG);
    await assert.rejects(admin.incrementalAlterConfigs('topic', 'no-such-topic', [{ name: 'retention.ms', op: 'set', value: '1' }]),
      (e) => kafkaCode(e) === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  test('alterConfigs (legacy) replaces the whole set of topic overrides', async () => {
    await admin.createTopics([{ name: 'legacy-alter', numPartitions: 1, configs: { 'cleanup.policy': 'compact' } }]);
    await admin.alterConfigs('topic', 'legacy-alter', { 'retention.ms': '5000' });
    const [r] = await admin.describeConfigs([{ type: 'topic', name: 'legacy-alter', keys: ['retention.ms', 'cleanup.policy'] }]);
    const byName = new Map(r!.entries.map((e) => [e.name, e]));
    assert.equal(byName.get('retention.ms')?.value, '5000');
    assert.equal(byName.get('retention.ms')?.source, 'DYNAMIC_TOPIC_CONFIG');
    assert.equal(byName.get('cleanup.policy')?.source, 'DEFAULT_CONFIG', 'an override left out is removed');
  });
});

describe('offsets and records', () => {
  before(async () => {
    await admin.createTopics([{ name: 'timed', numPartitions: 1 }]);
    const batch = buildRecordBatch([1000, 3000, 2000, 4000].map((ts, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp: BigInt(ts) })));
    const r = await produceBatch(tb.port, 'timed', 0, batch);
    assert.equal(r.errorCode, 0);
  });

  test('listOffsets answers earliest, latest, max-timestamp and by timestamp', async () => {
    const tp = [{ topic: 'timed', partition: 0 }];
    const at = async (spec: Parameters<Admin['listOffsets']>[1]): Promise<number> => (await admin.listOffsets(tp, spec)).get('timed')!.get(0)!.offset;
    assert.equal(await at('earliest'), 0);
    assert.equal(await at('latest'), 4);
    const max = (await admin.listOffsets(tp, 'max-timestamp')).get('timed')!.get(0)!;
    assert.equal(max.offset, 3);
    assert.equal(max.timestamp, 4000);
    assert.equal(await at({ timestamp: 1500 }), 1, 'the first offset whose timestamp is at least 1500');
    assert.equal(await at({ timestamp: 2500 }), 1);
    assert.equal(await at({ timestamp: 5000 }), -1, 'no record that late');
    assert.equal(await at('latest'), 4);
    const committed = await admin.listOffsets(tp, 'latest', { isolationLevel: 'read_committed' });
    assert.equal(committed.get('timed')!.get(0)!.offset, 4);
    await assert.rejects(admin.listOffsets([{ topic: 'timed', partition: 7 }], 'latest'), (e) => kafkaCode(e) === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  test('deleteRecords moves the low watermark; earliest and consumers follow', async () => {
    const [r] = await admin.deleteRecords([{ topic: 'timed', partition: 0, offset: 2 }]);
    assert.deepEqual(r, { topic: 'timed', partition: 0, lowWatermark: 2 });
    assert.equal((await admin.listOffsets([{ topic: 'timed', partition: 0 }], 'earliest')).get('timed')!.get(0)!.offset, 2);
    const contents = await readPartition(tb.port, 'timed', 0, 2);
    assert.equal(contents.logStartOffset, 2);
    if (!noKcat) {
      const records = await kcatConsume(tb.bootstrap, 'timed', { partition: 0 });
      assert.deepEqual(records.map((x) => x.offset), [2, 3]);
    }
    const [all] = await admin.deleteRecords([{ topic: 'timed', partition: 0, offset: -1 }]);
    assert.equal(all!.lowWatermark, 4, 'offset -1 deletes up to the high watermark');
    await assert.rejects(admin.deleteRecords([{ topic: 'timed', partition: 0, offset: 9 }]), (e) => kafkaCode(e) === ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  test('commitGroupOffsets and fetchGroupOffsets round-trip; deleteGroupOffsets removes them', async () => {
    await admin.createTopics([{ name: 'committed', numPartitions: 3 }]);
    const results = await admin.commitGroupOffsets('simple-group', [
      { topic: 'committed', partition: 0, offset: 5, metadata: 'reset' },
      { topic: 'committed', partition: 2, offset: 7 },
    ]);
    assert.deepEqual(results.map((r) => r.error), [null, null]);
    const all = await admin.fetchGroupOffsets('simple-group');
    assert.deepEqual(all.map((o) => [o.topic, o.partition, o.offset, o.metadata]), [['committed', 0, 5, 'reset'], ['committed', 2, 7, '']]);
    const some = await admin.fetchGroupOffsets('simple-group', [{ topic: 'committed', partition: 1 }, { topic: 'committed', partition: 2 }]);
    assert.deepEqual(some.map((o) => [o.partition, o.offset]), [[1, -1], [2, 7]], 'a partition without a commit has offset -1');

    const deleted = await admin.deleteGroupOffsets('simple-group', [{ topic: 'committed', partition: 0 }]);
    assert.deepEqual(deleted.map((r) => r.error), [null]);
    assert.deepEqual((await admin.fetchGroupOffsets('simple-group')).map((o) => o.partition), [2]);

    const groups = await admin.listGroups();
    assert.ok(groups.some((g) => g.groupId === 'simple-group'));
    const [gone] = await admin.deleteGroups(['simple-group']);
    assert.equal(gone!.errorCode, ErrorCode.NONE);
    assert.deepEqual(await admin.fetchGroupOffsets('simple-group'), []);
    const [missing] = await admin.deleteGroups(['never-existed']);
    assert.equal(missing!.error, 'GROUP_ID_NOT_FOUND');
  });
});

describe('groups seen from a kcat -G consumer', { skip: noKcat }, () => {
  test('listGroups, describeGroups (with the decoded assignment) and the offsets it committed', async () => {
    await admin.createTopics([{ name: 'consumed', numPartitions: 3 }]);
    await kcatProduce(tb.bootstrap, 'consumed', Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })));
    const consumer = startKcatGroupConsumer(tb.bootstrap, 'kcat-group', ['consumed']);
    try {
      await waitFor(() => consumer.records().length >= 9, { timeoutMs: 20_000, what: 'kcat to consume 9 records' });
      const described = await waitFor(async () => {
        const [g] = await admin.describeGroups(['kcat-group']);
        return g?.state === 'Stable' && g.members.length === 1 ? g : undefined;
      }, { timeoutMs: 15_000, what: 'a stable group' });
      assert.equal(described.protocolType, 'consumer');
      assert.ok(described.protocol.length > 0, 'the assignor is named');
      const member = described.members[0]!;
      assert.ok(member.memberId.length > 0);
      assert.equal(typeof member.clientHost, 'string');
      assert.deepEqual(member.assignment, { consumed: [0, 1, 2] });
      assert.deepEqual(member.subscription, ['consumed']);
      assert.deepEqual(Object.fromEntries(decodeConsumerAssignment(member.memberAssignment)!.partitions), { consumed: [0, 1, 2] });

      const listed = await admin.listGroups();
      const g = listed.find((x) => x.groupId === 'kcat-group');
      assert.deepEqual(g, { groupId: 'kcat-group', protocolType: 'consumer', state: 'Stable', type: 'classic' });
      assert.deepEqual((await admin.listGroups({ states: ['Empty'] })).filter((x) => x.groupId === 'kcat-group'), []);

      // An active group refuses a simple consumer's commit, per partition.
      const refused = await admin.commitGroupOffsets('kcat-group', [{ topic: 'consumed', partition: 0, offset: 1 }]);
      assert.notEqual(refused[0]!.errorCode, ErrorCode.NONE);
      const [notEmpty] = await admin.deleteGroups(['kcat-group']);
      assert.equal(notEmpty!.error, 'NON_EMPTY_GROUP');
    } finally {
      await consumer.stop();
    }
    // On SIGTERM kcat commits what it consumed and leaves the group.
    const offsets = await waitFor(async () => {
      const o = await admin.fetchGroupOffsets('kcat-group');
      return o.length === 3 ? o : undefined;
    }, { timeoutMs: 10_000, what: 'the final commit' });
    const ends = await admin.listOffsets([0, 1, 2].map((partition) => ({ topic: 'consumed', partition })), 'latest');
    for (const o of offsets) assert.equal(o.offset, ends.get('consumed')!.get(o.partition)!.offset);
    const empty = await waitFor(async () => (await admin.listGroups({ states: ['Empty'] })).find((x) => x.groupId === 'kcat-group'), { what: 'an empty group' });
    assert.equal(empty.state, 'Empty');
    assert.ok((await admin.listTopics({ includeInternal: true })).includes('__consumer_offsets'));
    assert.ok(!(await admin.listTopics()).includes('__consumer_offsets'));
  });
});

describe('cluster', () => {
  test('describeCluster names the cluster, its controller and its brokers', async () => {
    const c = await admin.describeCluster();
    assert.equal(typeof c.clusterId, 'string');
    assert.equal(c.brokers.length, 1);
    assert.equal(c.brokers[0]!.port, tb.port);
    assert.equal(c.brokers[0]!.host, '127.0.0.1');
    assert.equal(c.controllerId, c.brokers[0]!.nodeId);
    assert.equal(c.clusterId, client.metadata.clusterId);
  });
});
