/**
 * What KafkaJS's own integration tests do against a broker, driven with KafkaJS's internal Broker
 * class (hand-made requests, KafkaJS's encoders), for the cases where Gregor once differed from
 * Kafka:
 *
 *   - JoinGroup without a rebalance timeout (KafkaJS sends 0), then SyncGroup at once: success,
 *     and the OffsetCommit / OffsetFetch that follow succeed;
 *   - CreateTopics with message.timestamp.difference.max.ms (a Kafka 2.x/3.x topic config) is
 *     accepted and bounds CreateTime timestamps;
 *   - DescribeConfigs of a topic lists the replication-throttle lists, message.format.version and
 *     the deprecated timestamp setting, as Kafka 3.9 does;
 *   - a manual replica assignment naming a broker that does not exist is INVALID_REPLICA_ASSIGNMENT
 *     with current Kafka's message.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kafkajsBroker, MemberAssignment, MemberMetadata, type KafkajsBroker } from '../../support/clients/kafkajs-broker.js';

const TOPIC_RESOURCE = 2;

interface AggregateError {
  errors?: { type?: string; message?: string; topic?: string }[];
}

async function createTopicError(broker: KafkajsBroker, topic: object): Promise<{ type?: string; message?: string } | undefined> {
  try {
    await broker.createTopics({ topics: [topic] });
    return undefined;
  } catch (e) {
    return (e as AggregateError).errors?.[0] ?? { type: 'unexpected', message: String(e) };
  }
}

describe('KafkaJS Broker requests', () => {
  let server: TestBroker;
  let broker: KafkajsBroker;

  before(async () => {
    server = await startTestBroker({ 'num.partitions': '2' });
    broker = await kafkajsBroker(server.port);
  });
  after(async () => {
    await broker?.disconnect();
    await server?.stop();
  });

  it('JoinGroup without a rebalance timeout, then SyncGroup at once, then OffsetCommit and OffsetFetch', async () => {
    const topic = 'join-sync-commit';
    await broker.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    // several groups: the first one a broker ever sees included
    for (const groupId of ['first-group', 'second-group', 'third-group']) {
      const { coordinator } = await broker.findGroupCoordinator({ groupId });
      assert.equal(coordinator.port, server.port);
      const { generationId, memberId } = await broker.joinGroup({
        groupId, sessionTimeout: 30_000,
        groupProtocols: [{ name: 'AssignerName', metadata: MemberMetadata.encode({ version: 1, topics: [topic] }) }],
      });
      assert.equal(generationId, 1);
      const memberAssignment = MemberAssignment.encode({ version: 1, assignment: { [topic]: [0] } });
      const sync = await broker.syncGroup({ groupId, generationId, memberId, groupAssignment: [{ memberId, memberAssignment }] });
      assert.equal(sync.errorCode, 0);
      assert.deepEqual(sync.memberAssignment, memberAssignment);
      const commit = await broker.offsetCommit({
        groupId, groupGenerationId: generationId, memberId, topics: [{ topic, partitions: [{ partition: 0, offset: '7' }] }],
      });
      assert.deepEqual(commit.responses[0]!.partitions.map((p) => p.errorCode), [0]);
      const fetched = await broker.offsetFetch({ groupId, topics: [{ topic, partitions: [{ partition: 0 }] }] });
      assert.equal(fetched.responses[0]!.partitions[0]!.offset, '7');
    }
  });

  it('CreateTopics accepts message.timestamp.difference.max.ms and it bounds CreateTime timestamps', async () => {
    const topic = 'max-timestamp-difference';
    await broker.createTopics({ topics: [{ topic, configEntries: [{ name: 'message.timestamp.difference.max.ms', value: '604800000' }] }] });
    const now = await broker.produce({ topicData: [{ topic, partitions: [{ partition: 0, messages: [{ key: 'k', value: 'now' }] }] }] });
    assert.equal(now.topics[0]!.partitions[0]!.errorCode, 0);
    const old = Date.now() - 8 * 24 * 3600 * 1000;
    await assert.rejects(
      broker.produce({ topicData: [{ topic, partitions: [{ partition: 0, messages: [{ key: 'k', value: 'old', timestamp: old }] }] }] }),
      (e: { type?: string }) => e.type === 'INVALID_TIMESTAMP',
    );
    const future = Date.now() + 8 * 24 * 3600 * 1000;
    await assert.rejects(
      broker.produce({ topicData: [{ topic, partitions: [{ partition: 0, messages: [{ key: 'k', value: 'future', timestamp: future }] }] }] }),
      (e: { type?: string }) => e.type === 'INVALID_TIMESTAMP',
    );
    const recent = Date.now() - 6 * 24 * 3600 * 1000;
    const ok = await broker.produce({ topicData: [{ topic, partitions: [{ partition: 0, messages: [{ key: 'k', value: 'recent', timestamp: recent }] }] }] });
    assert.equal(ok.topics[0]!.partitions[0]!.errorCode, 0);
  });

  it('DescribeConfigs of a topic lists the settings Kafka 3.9 lists, with their defaults', async () => {
    const topic = 'described';
    await broker.createTopics({ topics: [{ topic }] });
    const r = await broker.describeConfigs({ resources: [{ type: TOPIC_RESOURCE, name: topic }] });
    const entries = new Map(r.resources[0]!.configEntries.map((e) => [e.configName, e]));
    const expected: Record<string, string> = {
      'leader.replication.throttled.replicas': '',
      'follower.replication.throttled.replicas': '',
      'message.format.version': '3.0-IV1',
      'message.timestamp.difference.max.ms': '9223372036854775807',
      'message.timestamp.before.max.ms': '9223372036854775807',
      'message.timestamp.after.max.ms': '9223372036854775807',
      'compression.gzip.level': '-1',
      'compression.zstd.level': '3',
      'remote.storage.enable': 'false',
      'local.retention.ms': '-2',
    };
    for (const [name, value] of Object.entries(expected)) {
      assert.equal(entries.get(name)?.configValue, value, name);
      assert.equal(entries.get(name)?.isDefault, true, `${name} is a default`);
    }
  });

  it('topic configs of older Kafka versions are accepted with Kafka\'s validation', async () => {
    assert.equal(await createTopicError(broker, { topic: 'old-format', configEntries: [{ name: 'message.format.version', value: '0.10.2' }] }), undefined);
    assert.equal(await createTopicError(broker, { topic: 'throttled', configEntries: [{ name: 'leader.replication.throttled.replicas', value: '0:1,1:1' }] }), undefined);
    assert.equal((await createTopicError(broker, { topic: 'bad-format', configEntries: [{ name: 'message.format.version', value: '9.9' }] }))?.type, 'INVALID_CONFIG');
    assert.equal((await createTopicError(broker, { topic: 'bad-throttle', configEntries: [{ name: 'follower.replication.throttled.replicas', value: 'all' }] }))?.type, 'INVALID_CONFIG');
    assert.equal((await createTopicError(broker, { topic: 'tiered', configEntries: [{ name: 'remote.storage.enable', value: 'true' }] }))?.type, 'INVALID_CONFIG');
    const r = await broker.describeConfigs({ resources: [{ type: TOPIC_RESOURCE, name: 'old-format', configNames: ['message.format.version'] }] });
    assert.equal(r.resources[0]!.configEntries[0]!.configValue, '0.10.2');
  });

  it('a manual assignment to a broker that does not exist (node 0 beside this node 1) is INVALID_REPLICA_ASSIGNMENT', async () => {
    const err = await createTopicError(broker, { topic: 'nowhere', replicaAssignment: [{ partition: 0, replicas: [0, 1] }] });
    assert.equal(err?.type, 'INVALID_REPLICA_ASSIGNMENT');
  });
});
