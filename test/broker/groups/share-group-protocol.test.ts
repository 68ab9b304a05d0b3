/**
 * Share groups on the wire, request by request: ShareGroupHeartbeat's checks and errors, a group
 * id already used by another kind of group, share sessions (SHARE_SESSION_NOT_FOUND,
 * INVALID_SHARE_SESSION_EPOCH, acknowledgements refused when opening one), INVALID_RECORD_STATE
 * for records the member does not hold, the acquired ranges and delivery counts in ShareFetch
 * answers, the group settings on GROUP config resources, and the share-group APIs withdrawn from
 * ApiVersions when group.coordinator.rebalance.protocols leaves "share" out.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { Producer } from '../../../src/client/producer/index.js';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';

describe('share groups on the wire', () => {
  let broker: TestBroker;
  let client: KafkaClient;
  let topicId: string;

  const join = (groupId: string, memberId: string, topics: string[] | null = ['queue']) =>
    client.send(ApiKey.ShareGroupHeartbeat, { groupId, memberId, memberEpoch: 0, rackId: null, subscribedTopicNames: topics });
  const fetch = (groupId: string, memberId: string, epoch: number, acks: { firstOffset: bigint; lastOffset: bigint; acknowledgeTypes: number[] }[] = []) =>
    client.send(ApiKey.ShareFetch, {
      groupId, memberId, shareSessionEpoch: epoch, maxWaitMs: 100, minBytes: 1, maxBytes: 1 << 20,
      topics: [{ topicId, partitions: [{ partitionIndex: 0, partitionMaxBytes: 1 << 20, acknowledgementBatches: acks }] }], forgottenTopicsData: [],
    });
  const ack = (groupId: string, memberId: string, epoch: number, firstOffset: bigint, lastOffset: bigint, type: number) =>
    client.send(ApiKey.ShareAcknowledge, {
      groupId, memberId, shareSessionEpoch: epoch,
      topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [{ firstOffset, lastOffset, acknowledgeTypes: [type] }] }] }],
    });
  const setGroupConfig = async (groupId: string, name: string, value: string) => (await client.send(ApiKey.IncrementalAlterConfigs, {
    resources: [{ resourceType: 32, resourceName: groupId, configs: [{ name, configOperation: 0, value }] }], validateOnly: false,
  })).responses[0]!;

  before(async () => {
    broker = await startTestBroker({ 'share.coordinator.state.topic.num.partitions': '2' });
    client = await KafkaClient.connect({ bootstrap: [broker.bootstrap], clientId: 'share-wire' });
    await client.send(ApiKey.CreateTopics, { topics: [{ name: 'queue', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    topicId = (await client.refreshMetadata(['queue'])).topics.get('queue')!.topicId;
    const producer = new Producer(client, { acks: -1 });
    await producer.send('queue', ['m0', 'm1', 'm2', 'm3'].map((value) => ({ value, partition: 0 })));
    await producer.close();
  });
  after(async () => {
    client?.close();
    await broker?.stop();
  });

  it('checks heartbeats and keeps group ids of other kinds apart', async () => {
    assert.equal((await join('', 'm')).errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await join('g0', 'm', null)).errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await client.send(ApiKey.ShareGroupHeartbeat, { groupId: 'g0', memberId: 'nobody', memberEpoch: 4, rackId: null, subscribedTopicNames: null })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    const ok = await join('g0', 'm1');
    assert.equal(ok.errorCode, 0);
    assert.deepEqual(ok.assignment?.topicPartitions.map((t) => [t.topicId, t.partitions]), [[topicId, [0]]]);
    assert.equal((await client.send(ApiKey.ShareGroupHeartbeat, { groupId: 'g0', memberId: 'm1', memberEpoch: ok.memberEpoch + 3, rackId: null, subscribedTopicNames: null })).errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
    // a consumer-protocol group cannot be joined as a share group, nor the other way round
    await client.send(ApiKey.ConsumerGroupHeartbeat, {
      groupId: 'taken', memberId: 'c', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 1000, subscribedTopicNames: ['queue'],
      subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [],
    });
    assert.equal((await join('taken', 's')).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    const asConsumer = await client.send(ApiKey.ConsumerGroupHeartbeat, {
      groupId: 'g0', memberId: 'c', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 1000, subscribedTopicNames: ['queue'],
      subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [],
    });
    assert.equal(asConsumer.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    // OffsetCommit has nothing to do with share groups
    const commit = await client.send(ApiKey.OffsetCommit, {
      groupId: 'g0', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n,
      topics: [{ name: 'queue', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
    });
    assert.equal(commit.topics[0]!.partitions[0]!.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('keeps share sessions and refuses acknowledgements of records the member does not hold', async () => {
    assert.equal((await setGroupConfig('g1', 'share.auto.offset.reset', 'earliest')).errorCode, 0);
    assert.equal((await setGroupConfig('g1', 'share.auto.offset.reset', 'sometimes')).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await setGroupConfig('g1', 'no.such.setting', '1')).errorCode, ErrorCode.INVALID_CONFIG);
    await join('g1', 'w1');
    assert.equal((await fetch('g1', 'w1', 3)).errorCode, ErrorCode.SHARE_SESSION_NOT_FOUND);
    assert.equal((await fetch('g1', 'w1', 0, [{ firstOffset: 0n, lastOffset: 0n, acknowledgeTypes: [1] }])).errorCode, ErrorCode.INVALID_REQUEST);
    const first = await fetch('g1', 'w1', 0);
    assert.equal(first.errorCode, 0);
    const p = first.responses[0]!.partitions[0]!;
    assert.deepEqual(p.acquiredRecords.map((r) => [r.firstOffset, r.lastOffset, r.deliveryCount]), [[0n, 3n, 1]]);
    assert.ok((p.records?.length ?? 0) > 0);
    assert.equal((await fetch('g1', 'w1', 5)).errorCode, ErrorCode.INVALID_SHARE_SESSION_EPOCH);
    // another member holds nothing: its acknowledgement is refused
    await join('g1', 'w2');
    assert.equal((await fetch('g1', 'w2', 0)).responses.length, 0, 'everything is held by w1');
    const refused = await ack('g1', 'w2', 1, 0n, 0n, 1);
    assert.equal(refused.responses[0]!.partitions[0]!.errorCode, ErrorCode.INVALID_RECORD_STATE);
    // w1 releases offset 0 and accepts the rest through its next fetch
    const released = await ack('g1', 'w1', 1, 0n, 0n, 2);
    assert.equal(released.responses[0]!.partitions[0]!.errorCode, 0);
    const next = await fetch('g1', 'w1', 2, [{ firstOffset: 1n, lastOffset: 3n, acknowledgeTypes: [1] }]);
    const np = next.responses[0]!.partitions[0]!;
    assert.equal(np.acknowledgeErrorCode, 0);
    assert.deepEqual(np.acquiredRecords.map((r) => [r.firstOffset, r.lastOffset, r.deliveryCount]), [[0n, 0n, 2]]);
    // closing the session releases what w1 still holds
    assert.equal((await fetch('g1', 'w1', -1)).errorCode, 0);
    const w2 = await fetch('g1', 'w2', 2);
    assert.deepEqual(w2.responses[0]!.partitions[0]!.acquiredRecords.map((r) => [r.firstOffset, r.deliveryCount]), [[0n, 3]]);
    const described = (await client.send(ApiKey.DescribeConfigs, { resources: [{ resourceType: 32, resourceName: 'g1', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false })).results[0]!;
    assert.deepEqual(described.configs.filter((c) => c.name === 'share.auto.offset.reset').map((c) => [c.value, c.configSource]), [['earliest', 8]]);
  });

  it('deletes a share group with its delivery state: a new group of that name starts afresh', async () => {
    assert.equal((await setGroupConfig('g2', 'share.auto.offset.reset', 'earliest')).errorCode, 0);
    const m = await join('g2', 'd1');
    const got = await fetch('g2', 'd1', 0);
    assert.deepEqual(got.responses[0]!.partitions[0]!.acquiredRecords.map((r) => [r.firstOffset, r.lastOffset]), [[0n, 3n]]);
    assert.equal((await ack('g2', 'd1', 1, 0n, 1n, 1)).responses[0]!.partitions[0]!.errorCode, 0);
    assert.equal((await client.send(ApiKey.DeleteGroups, { groupsNames: ['g2'] })).results[0]!.errorCode, ErrorCode.NON_EMPTY_GROUP);
    await client.send(ApiKey.ShareGroupHeartbeat, { groupId: 'g2', memberId: 'd1', memberEpoch: -1, rackId: null, subscribedTopicNames: null });
    assert.equal(m.errorCode, 0);
    assert.equal((await client.send(ApiKey.DeleteGroups, { groupsNames: ['g2'] })).results[0]!.errorCode, 0);
    await join('g2', 'd2');
    const fresh = await fetch('g2', 'd2', 0);
    assert.deepEqual(fresh.responses[0]!.partitions[0]!.acquiredRecords.map((r) => [r.firstOffset, r.lastOffset, r.deliveryCount]), [[0n, 3n, 1]]);
  });

  it('withdraws the share-group APIs when the broker does not serve the protocol', async () => {
    const classicOnly = await startTestBroker({ 'group.coordinator.rebalance.protocols': 'classic' });
    const c = await KafkaClient.connect({ bootstrap: [classicOnly.bootstrap], clientId: 'versions' });
    try {
      const keys = (await c.send(ApiKey.ApiVersions, { clientSoftwareName: 't', clientSoftwareVersion: '1' })).apiKeys.map((k) => k.apiKey);
      for (const k of [68, 69, 76, 77, 78, 79]) assert.ok(!keys.includes(k), `API ${k} is not offered`);
      assert.ok(keys.includes(11), 'JoinGroup still is');
    } finally {
      c.close();
      await classicOnly.stop();
    }
  });
});
