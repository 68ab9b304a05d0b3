/**
 * ConsumerGroupHeartbeat and ConsumerGroupDescribe on the wire (KIP-848), driven request by
 * request: the request checks and their error codes, member epochs and fencing, revoke-before-
 * assign between two members, static members leaving for a while, session timeouts, member epochs
 * in OffsetCommit and OffsetFetch, ListGroups types, DescribeGroups' classic view, classic members
 * turned away from a consumer group (and an empty one turned back into a classic group), and the
 * whole group coming back after a broker restart from its records in __consumer_offsets.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import type { ConsumerGroupHeartbeatRequest } from '../../../src/protocol/generated/messages/ConsumerGroupHeartbeatRequest.js';
import type { ConsumerGroupHeartbeatResponse } from '../../../src/protocol/generated/messages/ConsumerGroupHeartbeatResponse.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { waitFor } from '../../support/clients/wait.js';

type Owned = { topicId: string; partitions: number[] }[];

describe('consumer group protocol on the wire', () => {
  let broker: TestBroker;
  let client: KafkaClient;
  let topicId: string;

  const hb = (fields: Partial<ConsumerGroupHeartbeatRequest> & { groupId: string; memberId: string; memberEpoch: number }): Promise<ConsumerGroupHeartbeatResponse> =>
    client.send(ApiKey.ConsumerGroupHeartbeat, {
      instanceId: null, rackId: null, rebalanceTimeoutMs: -1, subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null,
      topicPartitions: null, ...fields,
    });
  const join = (groupId: string, memberId: string, topics: string[], extra: Partial<ConsumerGroupHeartbeatRequest> = {}): Promise<ConsumerGroupHeartbeatResponse> =>
    hb({ groupId, memberId, memberEpoch: 0, rebalanceTimeoutMs: 5000, subscribedTopicNames: topics, topicPartitions: [], ...extra });
  const partitionsOf = (r: ConsumerGroupHeartbeatResponse): number[] => (r.assignment?.topicPartitions ?? []).flatMap((t) => t.partitions).sort((a, b) => a - b);
  const owned = (partitions: number[]): Owned => [{ topicId, partitions }];
  const describeGroup = async (groupId: string) => (await client.send(ApiKey.ConsumerGroupDescribe, { groupIds: [groupId], includeAuthorizedOperations: false })).groups[0]!;

  before(async () => {
    broker = await startTestBroker({
      'group.consumer.session.timeout.ms': '1500',
      'group.consumer.min.session.timeout.ms': '1000',
      'group.consumer.heartbeat.interval.ms': '200',
      'group.consumer.min.heartbeat.interval.ms': '100',
    });
    client = await KafkaClient.connect({ bootstrap: [broker.bootstrap], clientId: 'kip848-test' });
    const created = await client.send(ApiKey.CreateTopics, { topics: [{ name: 'four', numPartitions: 4, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(created.topics[0]!.errorCode, 0);
    const md = await client.refreshMetadata(['four']);
    topicId = md.topics.get('four')!.topicId;
  });
  after(async () => {
    client?.close();
    await broker?.stop();
  });

  it('is offered in ApiVersions and checks requests as Kafka does', async () => {
    const versions = await client.send(ApiKey.ApiVersions, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    assert.deepEqual(versions.apiKeys.filter((k) => k.apiKey === 68 || k.apiKey === 69).map((k) => [k.apiKey, k.maxVersion]), [[68, 1], [69, 0]]);
    const cases: [Partial<ConsumerGroupHeartbeatRequest>, number, RegExp][] = [
      [{ rebalanceTimeoutMs: -1 }, ErrorCode.INVALID_REQUEST, /RebalanceTimeoutMs/],
      [{ subscribedTopicNames: null }, ErrorCode.INVALID_REQUEST, /SubscribedTopicNames or SubscribedTopicRegex/],
      [{ topicPartitions: owned([0]) }, ErrorCode.INVALID_REQUEST, /TopicPartitions must be empty/],
      [{ memberId: '' }, ErrorCode.INVALID_REQUEST, /MemberId/],
      [{ serverAssignor: 'sticky' }, ErrorCode.UNSUPPORTED_ASSIGNOR, /uniform, range/],
      [{ subscribedTopicNames: null, subscribedTopicRegex: '(a)\\1' }, ErrorCode.INVALID_REGULAR_EXPRESSION, /linear time/],
      [{ memberEpoch: -3 }, ErrorCode.INVALID_REQUEST, /MemberEpoch/],
      [{ memberEpoch: -2, instanceId: null }, ErrorCode.INVALID_REQUEST, /InstanceId/],
    ];
    for (const [fields, code, message] of cases) {
      const r = await join('checks', 'm', ['four'], fields);
      assert.equal(r.errorCode, code, JSON.stringify(fields));
      assert.match(r.errorMessage ?? '', message);
    }
    assert.equal((await hb({ groupId: 'nobody', memberId: 'x', memberEpoch: 3 })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('fences a member epoch that is ahead, or behind without its owned partitions', async () => {
    const r = await join('fence', 'f1', ['four']);
    assert.equal(r.errorCode, 0);
    assert.equal(r.memberEpoch, 1);
    assert.deepEqual(partitionsOf(r), [0, 1, 2, 3]);
    assert.equal((await hb({ groupId: 'fence', memberId: 'f1', memberEpoch: 2 })).errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
    assert.equal((await hb({ groupId: 'fence', memberId: 'f1', memberEpoch: 0 + 1 })).errorCode, ErrorCode.NONE);
    assert.equal((await hb({ groupId: 'fence', memberId: 'unknown', memberEpoch: 1 })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal((await hb({ groupId: 'fence', memberId: 'f1', memberEpoch: -1 })).memberEpoch, -1);
  });

  it('revokes before it assigns: the joiner gets partitions only once the owner gave them up', async () => {
    const a1 = await join('rba', 'a', ['four']);
    assert.deepEqual(partitionsOf(a1), [0, 1, 2, 3]);
    const b1 = await join('rba', 'b', ['four']);
    assert.equal(b1.errorCode, 0);
    assert.deepEqual(partitionsOf(b1), [], 'b waits: a still owns everything');
    const a2 = await hb({ groupId: 'rba', memberId: 'a', memberEpoch: a1.memberEpoch });
    assert.equal(a2.memberEpoch, a1.memberEpoch, 'a keeps its epoch until it has revoked');
    const kept = partitionsOf(a2);
    assert.equal(kept.length, 2);
    assert.equal((await describeGroup('rba')).groupState, 'Reconciling');
    const b2 = await hb({ groupId: 'rba', memberId: 'b', memberEpoch: b1.memberEpoch });
    assert.deepEqual(partitionsOf(b2), [], 'still owned by a');
    // a reports that it now owns only what it kept
    const a3 = await hb({ groupId: 'rba', memberId: 'a', memberEpoch: a1.memberEpoch, topicPartitions: owned(kept) });
    assert.ok(a3.memberEpoch > a1.memberEpoch);
    const b3 = await hb({ groupId: 'rba', memberId: 'b', memberEpoch: b2.memberEpoch });
    const moved = [0, 1, 2, 3].filter((p) => !kept.includes(p));
    assert.deepEqual(partitionsOf(b3), moved);
    assert.equal(b3.memberEpoch, a3.memberEpoch);
    const d = await describeGroup('rba');
    assert.equal(d.groupState, 'Stable');
    assert.equal(d.groupEpoch, a3.memberEpoch);
    assert.deepEqual(d.members.map((m) => [m.memberId, m.assignment.topicPartitions.flatMap((t) => t.partitions)]).sort(), [['a', kept], ['b', moved]]);
    for (const m of ['a', 'b']) await hb({ groupId: 'rba', memberId: m, memberEpoch: -1 });
  });

  it('checks member epochs in OffsetCommit and OffsetFetch v9', async () => {
    const r = await join('commits', 'c1', ['four']);
    const commit = (memberId: string, epoch: number) => client.send(ApiKey.OffsetCommit, {
      groupId: 'commits', generationIdOrMemberEpoch: epoch, memberId, groupInstanceId: null, retentionTimeMs: -1n,
      topics: [{ name: 'four', partitions: [{ partitionIndex: 0, committedOffset: 7n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
    });
    assert.equal((await commit('c1', r.memberEpoch)).topics[0]!.partitions[0]!.errorCode, 0);
    assert.equal((await commit('c1', r.memberEpoch + 5)).topics[0]!.partitions[0]!.errorCode, ErrorCode.STALE_MEMBER_EPOCH);
    assert.equal((await commit('ghost', r.memberEpoch)).topics[0]!.partitions[0]!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    const fetch = (memberEpoch: number) => client.send(ApiKey.OffsetFetch, {
      groups: [{ groupId: 'commits', memberId: 'c1', memberEpoch, topics: [{ name: 'four', partitionIndexes: [0] }] }], requireStable: true,
    }, 'any', 9);
    const good = (await fetch(r.memberEpoch)).groups![0]!;
    assert.equal(good.errorCode, 0);
    assert.equal(good.topics![0]!.partitions![0]!.committedOffset, 7n);
    assert.equal((await fetch(r.memberEpoch + 1)).groups![0]!.errorCode, ErrorCode.STALE_MEMBER_EPOCH);
    // OffsetDelete: refused for a topic a member subscribes to, allowed for another one
    await client.send(ApiKey.CreateTopics, { topics: [{ name: 'spare', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    const spare = await client.send(ApiKey.OffsetCommit, {
      groupId: 'commits', generationIdOrMemberEpoch: r.memberEpoch, memberId: 'c1', groupInstanceId: null, retentionTimeMs: -1n,
      topics: [{ name: 'spare', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: '' }] }],
    });
    assert.equal(spare.topics[0]!.partitions[0]!.errorCode, 0);
    const del = (topic: string) => client.send(ApiKey.OffsetDelete, { groupId: 'commits', topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }] });
    assert.equal((await del('four')).topics[0]!.partitions[0]!.errorCode, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    assert.equal((await del('spare')).topics[0]!.partitions[0]!.errorCode, 0);
    await hb({ groupId: 'commits', memberId: 'c1', memberEpoch: -1 });
  });

  it('lists groups by type and describes consumer groups through DescribeGroups', async () => {
    await join('typed', 't1', ['four']);
    const listed = await client.send(ApiKey.ListGroups, { statesFilter: [], typesFilter: ['consumer'] });
    assert.ok(listed.groups.some((g) => g.groupId === 'typed' && g.groupType === 'consumer'));
    const classicOnly = await client.send(ApiKey.ListGroups, { statesFilter: [], typesFilter: ['classic'] });
    assert.ok(!classicOnly.groups.some((g) => g.groupId === 'typed'));
    const described = (await client.send(ApiKey.DescribeGroups, { groups: ['typed'], includeAuthorizedOperations: false })).groups[0]!;
    assert.equal(described.protocolType, 'consumer');
    assert.equal(described.protocolData, 'uniform');
    assert.equal(described.members[0]!.memberId, 't1');
    assert.ok(described.members[0]!.memberAssignment.length > 0);
    assert.equal((await describeGroup('no-such-group')).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('serves classic members inside a consumer group, refuses other protocol types, and turns an empty one back into a classic group', async () => {
    await join('mixed', 'n1', ['four']);
    const subscription = Buffer.from([0, 0, 0, 0, 0, 1, 0, 4, ...Buffer.from('four'), 0xff, 0xff, 0xff, 0xff]);
    const classicJoin = (memberId: string, protocolType = 'consumer') => client.send(ApiKey.JoinGroup, {
      groupId: 'mixed', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId: null, protocolType,
      protocols: [{ name: 'range', metadata: subscription }], reason: null,
    });
    assert.equal((await classicJoin('', 'connect')).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const first = await classicJoin('');
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await classicJoin(first.memberId);
    assert.equal(joined.errorCode, 0);
    assert.equal(joined.protocolName, 'range');
    assert.equal(joined.leader, '');
    const sync = await client.send(ApiKey.SyncGroup, {
      groupId: 'mixed', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [],
    });
    assert.equal(sync.errorCode, 0);
    assert.equal((await describeGroup('mixed')).members.length, 2);
    // the classic member is asked to rejoin until it is settled, and answers its heartbeat meanwhile
    const beat = await client.send(ApiKey.Heartbeat, { groupId: 'mixed', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null });
    assert.ok(beat.errorCode === ErrorCode.NONE || beat.errorCode === ErrorCode.REBALANCE_IN_PROGRESS, `heartbeat: ${beat.errorCode}`);
    assert.equal((await client.send(ApiKey.Heartbeat, { groupId: 'mixed', generationId: joined.generationId + 7, memberId: joined.memberId, groupInstanceId: null })).errorCode, ErrorCode.ILLEGAL_GENERATION);
    const left = await client.send(ApiKey.LeaveGroup, { groupId: 'mixed', members: [{ memberId: joined.memberId, groupInstanceId: null, reason: null }] });
    assert.deepEqual(left.members!.map((m) => m.errorCode), [0]);
    await hb({ groupId: 'mixed', memberId: 'n1', memberEpoch: -1 });
    // empty now: a classic member turns it back into a classic group
    const again = await classicJoin('');
    assert.equal(again.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    const listed = await client.send(ApiKey.ListGroups, { statesFilter: [], typesFilter: ['classic'] });
    assert.ok(listed.groups.some((g) => g.groupId === 'mixed'));
  });

  it('keeps a static member\'s partitions while it is away, and removes members whose session ends', async () => {
    const s1 = await join('statics', 's1', ['four'], { instanceId: 'i1' });
    assert.deepEqual(partitionsOf(s1), [0, 1, 2, 3]);
    assert.equal((await hb({ groupId: 'statics', memberId: 's1', memberEpoch: -2, instanceId: 'i1' })).memberEpoch, -2);
    // another member with the same instance id while s1 is active would be refused; s1 left for a while, so this takes over
    const back = await join('statics', 's1-new', ['four'], { instanceId: 'i1' });
    assert.equal(back.errorCode, 0);
    assert.deepEqual(partitionsOf(back), [0, 1, 2, 3]);
    assert.equal(back.memberEpoch, s1.memberEpoch);
    assert.equal((await join('statics', 's1-dup', ['four'], { instanceId: 'i1' })).errorCode, ErrorCode.UNRELEASED_INSTANCE_ID);
    // leaving for a while and coming back under the same member id keeps the partitions too
    assert.equal((await hb({ groupId: 'statics', memberId: 's1-new', memberEpoch: -2, instanceId: 'i1' })).memberEpoch, -2);
    const same = await join('statics', 's1-new', ['four'], { instanceId: 'i1' });
    assert.deepEqual([same.errorCode, same.memberEpoch, partitionsOf(same)], [0, s1.memberEpoch, [0, 1, 2, 3]]);
    // no heartbeats: the session (1.5 s) ends and the member goes
    await waitFor(async () => (await describeGroup('statics')).members.length === 0, { timeoutMs: 8000, what: 'the session to expire' });
    assert.equal((await describeGroup('statics')).groupState, 'Empty');
  });

  it('re-evaluates a regex subscription when matching topics are created and deleted', async () => {
    const create = async (name: string) => assert.equal((await client.send(ApiKey.CreateTopics, {
      topics: [{ name, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
    })).topics[0]!.errorCode, 0);
    await create('rx-a');
    const r = await hb({ groupId: 'rx', memberId: 'x1', memberEpoch: 0, rebalanceTimeoutMs: 5000, subscribedTopicNames: null, subscribedTopicRegex: 'rx-.*', topicPartitions: [] });
    assert.equal(r.errorCode, 0);
    const ids = async () => new Map([...(await client.refreshMetadata(null)).topics.values()].map((t) => [t.topicId, t.name]));
    const named = async (res: typeof r) => { const m = await ids(); return (res.assignment?.topicPartitions ?? []).map((t) => `${m.get(t.topicId)}:${t.partitions.join(',')}`).sort(); };
    assert.deepEqual(await named(r), ['rx-a:0,1']);
    await create('rx-b');
    const grown = await hb({ groupId: 'rx', memberId: 'x1', memberEpoch: r.memberEpoch });
    assert.ok(grown.memberEpoch > r.memberEpoch);
    assert.deepEqual(await named(grown), ['rx-a:0,1', 'rx-b:0,1']);
    const mapBefore = await ids();
    const rxA = [...mapBefore].find(([, n]) => n === 'rx-a')![0];
    const rxB = [...mapBefore].find(([, n]) => n === 'rx-b')![0];
    assert.equal((await client.send(ApiKey.DeleteTopics, { topics: [{ name: 'rx-a', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], topicNames: ['rx-a'], timeoutMs: 5000 })).responses[0]!.errorCode, 0);
    // the member is told to give up the deleted topic's partitions, and reports that it did
    const shrunk = await hb({ groupId: 'rx', memberId: 'x1', memberEpoch: grown.memberEpoch });
    assert.deepEqual((shrunk.assignment?.topicPartitions ?? []).map((t) => t.topicId), [rxB]);
    const done = await hb({ groupId: 'rx', memberId: 'x1', memberEpoch: shrunk.memberEpoch, topicPartitions: [{ topicId: rxB, partitions: [0, 1] }] });
    assert.ok(done.memberEpoch > grown.memberEpoch);
    assert.ok(!(done.assignment?.topicPartitions ?? []).some((t) => t.topicId === rxA));
    assert.equal((await describeGroup('rx')).groupState, 'Stable');
  });

  it('comes back after a restart from its records in __consumer_offsets', async () => {
    const r = await join('durable', 'd1', ['four'], { serverAssignor: 'range' });
    const before = await describeGroup('durable');
    await broker.restart();
    client.close();
    client = await KafkaClient.connect({ bootstrap: [broker.bootstrap], clientId: 'kip848-test' });
    const after = await describeGroup('durable');
    assert.equal(after.errorCode, 0);
    assert.equal(after.groupEpoch, before.groupEpoch);
    assert.equal(after.assignmentEpoch, before.assignmentEpoch);
    assert.equal(after.assignorName, 'range');
    assert.deepEqual(after.members.map((m) => [m.memberId, m.memberEpoch, m.assignment.topicPartitions.flatMap((t) => t.partitions)]), [['d1', r.memberEpoch, [0, 1, 2, 3]]]);
    // the member carries on where it was, and is told its assignment again
    const next = await hb({ groupId: 'durable', memberId: 'd1', memberEpoch: r.memberEpoch });
    assert.equal(next.errorCode, 0);
    assert.deepEqual(partitionsOf(next), [0, 1, 2, 3]);
  });
});
