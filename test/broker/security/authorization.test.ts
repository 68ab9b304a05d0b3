/**
 * ACL enforcement, table-driven: a broker with `authorizer.class.name` set, an administrator
 * (super user, on the PLAINTEXT listener) who sets the scene, and alice, authenticated with
 * SASL/PLAIN and holding no ACL. Each row sends one API as alice and asserts Kafka's error code
 * (TOPIC_, GROUP_, CLUSTER_ or TRANSACTIONAL_ID_AUTHORIZATION_FAILED), then that nothing changed
 * or leaked: no record appended, no offset committed, no topic created, deleted or grown, no
 * config changed, no topic or group named. Then alice gets ACLs through kafka-acls and kafkajs
 * produces and consumes as her, with a DENY that still wins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { Admin } from '../../../src/client/admin/admin.js';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { ApiKey, type ApiMessages } from '../../../src/protocol/generated/api-registry.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { RawClient } from '../../support/clients/raw-client.js';
import { makeBatch } from '../../support/batches.js';
import { gregor } from '../../support/cli.js';

const TOPIC = 29;
const GROUP = 30;
const CLUSTER = 31;
const TXN = 53;

type Key = keyof ApiMessages;
interface Row {
  name: string;
  apiKey: Key;
  version: number;
  body: () => unknown;
  /** The error codes the response carries where the refusal shows. */
  errors: (response: never) => unknown;
  expected: unknown;
}

describe('ACL enforcement', () => {
  let server: TestBroker;
  let client: KafkaClient;
  let admin: Admin;
  let saslPort = 0;
  let plainPort = 0;

  before(async () => {
    server = await startTestBroker({
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
      'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer',
      'super.users': 'User:ANONYMOUS',
      'sasl.enabled.mechanisms': 'PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-pw";',
      'num.partitions': '1',
    });
    plainPort = server.broker.listeners.find((l) => l.name === 'PLAINTEXT')!.boundPort;
    saslPort = server.broker.listeners.find((l) => l.name === 'SASL_PLAINTEXT')!.boundPort;
    client = await KafkaClient.connect({ bootstrap: [`127.0.0.1:${plainPort}`], clientId: 'acl-admin' });
    admin = new Admin(client);
    await admin.createTopics([{ name: 'secret', numPartitions: 1, replicationFactor: 1 }]);
    await admin.commitGroupOffsets('g1', [{ topic: 'secret', partition: 0, offset: 0 }]);
  });

  after(async () => {
    client?.close();
    await server?.stop();
  });

  async function asAlice(): Promise<RawClient> {
    const raw = await RawClient.connect(saslPort);
    const hs = await raw.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' });
    assert.equal(hs.errorCode, 0);
    const auth = await raw.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from('\u0000alice\u0000alice-pw') });
    assert.equal(auth.errorCode, 0);
    return raw;
  }

  const log = () => server.broker.services.replicas.get('secret', 0)!.log;

  it('every API without its ACL gets Kafka\'s error, and nothing changes', async () => {
    const raw = await asAlice();
    const batch = makeBatch({ count: 2, prefix: 'x' });
    const rows: Row[] = [
      { name: 'Produce', apiKey: ApiKey.Produce, version: 9, body: () => ({ transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'secret', partitionData: [{ index: 0, records: batch }] }] }),
        errors: (r: ApiMessages[0]['response']) => r.responses.map((t) => t.partitionResponses.map((p) => p.errorCode)), expected: [[TOPIC]] },
      { name: 'Produce (transactional)', apiKey: ApiKey.Produce, version: 9, body: () => ({ transactionalId: 'tx', acks: -1, timeoutMs: 5000, topicData: [{ name: 'secret', partitionData: [{ index: 0, records: batch }] }] }),
        errors: (r: ApiMessages[0]['response']) => r.responses.map((t) => t.partitionResponses.map((p) => p.errorCode)), expected: [[TXN]] },
      { name: 'Fetch', apiKey: ApiKey.Fetch, version: 12, body: () => ({ replicaId: -1, maxWaitMs: 5000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topic: 'secret', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }], forgottenTopicsData: [], rackId: '' }),
        errors: (r: ApiMessages[1]['response']) => r.responses.map((t) => t.partitions.map((p) => [p.errorCode, p.records?.length ?? 0])), expected: [[[TOPIC, 0]]] },
      { name: 'Fetch as a follower', apiKey: ApiKey.Fetch, version: 12, body: () => ({ replicaId: 2, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [], forgottenTopicsData: [], rackId: '' }),
        errors: (r: ApiMessages[1]['response']) => r.errorCode, expected: CLUSTER },
      { name: 'ListOffsets', apiKey: ApiKey.ListOffsets, version: 7, body: () => ({ replicaId: -1, isolationLevel: 0, topics: [{ name: 'secret', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }] }),
        errors: (r: ApiMessages[2]['response']) => r.topics.map((t) => t.partitions.map((p) => p.errorCode)), expected: [[TOPIC]] },
      { name: 'Metadata (all topics)', apiKey: ApiKey.Metadata, version: 9, body: () => ({ topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }),
        errors: (r: ApiMessages[3]['response']) => r.topics.map((t) => t.name), expected: [] },
      { name: 'Metadata (named, auto-create)', apiKey: ApiKey.Metadata, version: 9, body: () => ({ topics: [{ name: 'secret' }, { name: 'brand-new' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false }),
        errors: (r: ApiMessages[3]['response']) => r.topics.map((t) => [t.name, t.errorCode]).sort(), expected: [['brand-new', TOPIC], ['secret', TOPIC]] },
      { name: 'OffsetCommit', apiKey: ApiKey.OffsetCommit, version: 8, body: () => ({ groupId: 'g1', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'secret', partitions: [{ partitionIndex: 0, committedOffset: 99n, committedLeaderEpoch: -1, committedMetadata: null }] }] }),
        errors: (r: ApiMessages[8]['response']) => r.topics.map((t) => t.partitions.map((p) => p.errorCode)), expected: [[GROUP]] },
      { name: 'OffsetFetch', apiKey: ApiKey.OffsetFetch, version: 7, body: () => ({ groupId: 'g1', topics: null, requireStable: false }),
        errors: (r: ApiMessages[9]['response']) => [r.errorCode, r.topics?.length], expected: [GROUP, 0] },
      { name: 'FindCoordinator (group, transaction)', apiKey: ApiKey.FindCoordinator, version: 4, body: () => ({ keyType: 0, coordinatorKeys: ['g1'] }),
        errors: (r: ApiMessages[10]['response']) => r.coordinators?.map((c) => c.errorCode), expected: [GROUP] },
      { name: 'FindCoordinator (transaction)', apiKey: ApiKey.FindCoordinator, version: 4, body: () => ({ keyType: 1, coordinatorKeys: ['tx'] }),
        errors: (r: ApiMessages[10]['response']) => r.coordinators?.map((c) => c.errorCode), expected: [TXN] },
      { name: 'JoinGroup', apiKey: ApiKey.JoinGroup, version: 7, body: () => ({ groupId: 'g1', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] }),
        errors: (r: ApiMessages[11]['response']) => r.errorCode, expected: GROUP },
      { name: 'Heartbeat', apiKey: ApiKey.Heartbeat, version: 4, body: () => ({ groupId: 'g1', generationId: 1, memberId: 'm', groupInstanceId: null }), errors: (r: ApiMessages[12]['response']) => r.errorCode, expected: GROUP },
      { name: 'LeaveGroup', apiKey: ApiKey.LeaveGroup, version: 4, body: () => ({ groupId: 'g1', members: [{ memberId: 'm', groupInstanceId: null }] }), errors: (r: ApiMessages[13]['response']) => r.errorCode, expected: GROUP },
      { name: 'SyncGroup', apiKey: ApiKey.SyncGroup, version: 5, body: () => ({ groupId: 'g1', generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [] }), errors: (r: ApiMessages[14]['response']) => r.errorCode, expected: GROUP },
      { name: 'DescribeGroups', apiKey: ApiKey.DescribeGroups, version: 5, body: () => ({ groups: ['g1'], includeAuthorizedOperations: true }), errors: (r: ApiMessages[15]['response']) => r.groups.map((g) => [g.groupId, g.errorCode, g.members.length]), expected: [['g1', GROUP, 0]] },
      { name: 'ListGroups', apiKey: ApiKey.ListGroups, version: 4, body: () => ({ statesFilter: [] }), errors: (r: ApiMessages[16]['response']) => r.groups.map((g) => g.groupId), expected: [] },
      { name: 'CreateTopics', apiKey: ApiKey.CreateTopics, version: 7, body: () => ({ topics: [{ name: 'alice-topic', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false }),
        errors: (r: ApiMessages[19]['response']) => r.topics.map((t) => t.errorCode), expected: [TOPIC] },
      { name: 'DeleteTopics', apiKey: ApiKey.DeleteTopics, version: 5, body: () => ({ topicNames: ['secret'], timeoutMs: 5000 }), errors: (r: ApiMessages[20]['response']) => r.responses.map((t) => t.errorCode), expected: [TOPIC] },
      { name: 'DeleteRecords', apiKey: ApiKey.DeleteRecords, version: 2, body: () => ({ topics: [{ name: 'secret', partitions: [{ partitionIndex: 0, offset: 1n }] }], timeoutMs: 5000 }),
        errors: (r: ApiMessages[21]['response']) => r.topics.map((t) => t.partitions.map((p) => p.errorCode)), expected: [[TOPIC]] },
      { name: 'InitProducerId (transactional)', apiKey: ApiKey.InitProducerId, version: 4, body: () => ({ transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }), errors: (r: ApiMessages[22]['response']) => r.errorCode, expected: TXN },
      { name: 'InitProducerId (idempotent)', apiKey: ApiKey.InitProducerId, version: 4, body: () => ({ transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 }), errors: (r: ApiMessages[22]['response']) => r.errorCode, expected: CLUSTER },
      { name: 'OffsetForLeaderEpoch', apiKey: ApiKey.OffsetForLeaderEpoch, version: 4, body: () => ({ replicaId: -1, topics: [{ topic: 'secret', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] }),
        errors: (r: ApiMessages[23]['response']) => r.topics.map((t) => t.partitions.map((p) => p.errorCode)), expected: [[TOPIC]] },
      { name: 'AddPartitionsToTxn', apiKey: ApiKey.AddPartitionsToTxn, version: 3, body: () => ({ v3AndBelowTransactionalId: 'tx', v3AndBelowProducerId: 1n, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [{ name: 'secret', partitions: [0] }] }),
        errors: (r: ApiMessages[24]['response']) => r.resultsByTopicV3AndBelow?.map((t) => t.resultsByPartition.map((p) => p.partitionErrorCode)), expected: [[TXN]] },
      { name: 'AddOffsetsToTxn', apiKey: ApiKey.AddOffsetsToTxn, version: 3, body: () => ({ transactionalId: 'tx', producerId: 1n, producerEpoch: 0, groupId: 'g1' }), errors: (r: ApiMessages[25]['response']) => r.errorCode, expected: TXN },
      { name: 'EndTxn', apiKey: ApiKey.EndTxn, version: 3, body: () => ({ transactionalId: 'tx', producerId: 1n, producerEpoch: 0, committed: true }), errors: (r: ApiMessages[26]['response']) => r.errorCode, expected: TXN },
      { name: 'WriteTxnMarkers', apiKey: ApiKey.WriteTxnMarkers, version: 1, body: () => ({ markers: [{ producerId: 1n, producerEpoch: 0, transactionResult: true, topics: [{ name: 'secret', partitionIndexes: [0] }], coordinatorEpoch: 0 }] }),
        errors: (r: ApiMessages[27]['response']) => r.markers.map((m) => m.topics.map((t) => t.partitions.map((p) => p.errorCode))), expected: [[[CLUSTER]]] },
      { name: 'TxnOffsetCommit', apiKey: ApiKey.TxnOffsetCommit, version: 3, body: () => ({ transactionalId: 'tx', groupId: 'g1', producerId: 1n, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'secret', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null }] }] }),
        errors: (r: ApiMessages[28]['response']) => r.topics.map((t) => t.partitions.map((p) => p.errorCode)), expected: [[TXN]] },
      { name: 'DescribeAcls', apiKey: ApiKey.DescribeAcls, version: 3, body: () => ({ resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }), errors: (r: ApiMessages[29]['response']) => r.errorCode, expected: CLUSTER },
      { name: 'CreateAcls', apiKey: ApiKey.CreateAcls, version: 3, body: () => ({ creations: [{ resourceType: 2, resourceName: 'secret', resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 2, permissionType: 3 }] }),
        errors: (r: ApiMessages[30]['response']) => r.results.map((x) => x.errorCode), expected: [CLUSTER] },
      { name: 'DeleteAcls', apiKey: ApiKey.DeleteAcls, version: 3, body: () => ({ filters: [{ resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }] }),
        errors: (r: ApiMessages[31]['response']) => r.filterResults.map((x) => x.errorCode), expected: [CLUSTER] },
      { name: 'DescribeConfigs (topic, broker)', apiKey: ApiKey.DescribeConfigs, version: 4, body: () => ({ resources: [{ resourceType: 2, resourceName: 'secret', configurationKeys: null }, { resourceType: 4, resourceName: '1', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false }),
        errors: (r: ApiMessages[32]['response']) => r.results.map((x) => [x.resourceName, x.errorCode, x.configs.length]).sort(), expected: [['1', CLUSTER, 0], ['secret', TOPIC, 0]] },
      { name: 'AlterConfigs', apiKey: ApiKey.AlterConfigs, version: 2, body: () => ({ resources: [{ resourceType: 2, resourceName: 'secret', configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: false }),
        errors: (r: ApiMessages[33]['response']) => r.responses.map((x) => x.errorCode), expected: [TOPIC] },
      { name: 'DescribeLogDirs', apiKey: ApiKey.DescribeLogDirs, version: 4, body: () => ({ topics: null }), errors: (r: ApiMessages[35]['response']) => [r.errorCode, r.results.length], expected: [CLUSTER, 0] },
      { name: 'CreatePartitions', apiKey: ApiKey.CreatePartitions, version: 3, body: () => ({ topics: [{ name: 'secret', count: 3, assignments: null }], timeoutMs: 5000, validateOnly: false }),
        errors: (r: ApiMessages[37]['response']) => r.results.map((x) => x.errorCode), expected: [TOPIC] },
      { name: 'DeleteGroups', apiKey: ApiKey.DeleteGroups, version: 2, body: () => ({ groupsNames: ['g1'] }), errors: (r: ApiMessages[42]['response']) => r.results.map((x) => x.errorCode), expected: [GROUP] },
      { name: 'ElectLeaders', apiKey: ApiKey.ElectLeaders, version: 2, body: () => ({ electionType: 0, topicPartitions: null, timeoutMs: 5000 }), errors: (r: ApiMessages[43]['response']) => r.errorCode, expected: CLUSTER },
      { name: 'IncrementalAlterConfigs', apiKey: ApiKey.IncrementalAlterConfigs, version: 1, body: () => ({ resources: [{ resourceType: 2, resourceName: 'secret', configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] }], validateOnly: false }),
        errors: (r: ApiMessages[44]['response']) => r.responses.map((x) => x.errorCode), expected: [TOPIC] },
      { name: 'AlterPartitionReassignments', apiKey: ApiKey.AlterPartitionReassignments, version: 0, body: () => ({ timeoutMs: 5000, topics: [] }), errors: (r: ApiMessages[45]['response']) => r.errorCode, expected: CLUSTER },
      { name: 'ListPartitionReassignments', apiKey: ApiKey.ListPartitionReassignments, version: 0, body: () => ({ timeoutMs: 5000, topics: null }), errors: (r: ApiMessages[46]['response']) => r.errorCode, expected: CLUSTER },
      { name: 'OffsetDelete', apiKey: ApiKey.OffsetDelete, version: 0, body: () => ({ groupId: 'g1', topics: [{ name: 'secret', partitions: [{ partitionIndex: 0 }] }] }), errors: (r: ApiMessages[47]['response']) => r.errorCode, expected: GROUP },
      { name: 'DescribeUserScramCredentials', apiKey: ApiKey.DescribeUserScramCredentials, version: 0, body: () => ({ users: null }), errors: (r: ApiMessages[50]['response']) => r.errorCode, expected: CLUSTER },
      { name: 'AlterUserScramCredentials', apiKey: ApiKey.AlterUserScramCredentials, version: 0, body: () => ({ deletions: [], upsertions: [{ name: 'alice', mechanism: 1, iterations: 4096, salt: Buffer.alloc(16, 1), saltedPassword: Buffer.alloc(32, 2) }] }),
        errors: (r: ApiMessages[51]['response']) => r.results.map((x) => x.errorCode), expected: [CLUSTER] },
      { name: 'DescribeProducers', apiKey: ApiKey.DescribeProducers, version: 0, body: () => ({ topics: [{ name: 'secret', partitionIndexes: [0] }] }), errors: (r: ApiMessages[61]['response']) => r.topics.map((t) => t.partitions.map((p) => p.errorCode)), expected: [[TOPIC]] },
      { name: 'DescribeTransactions', apiKey: ApiKey.DescribeTransactions, version: 0, body: () => ({ transactionalIds: ['tx'] }), errors: (r: ApiMessages[65]['response']) => r.transactionStates.map((s) => s.errorCode), expected: [TXN] },
      { name: 'DescribeTopicPartitions', apiKey: ApiKey.DescribeTopicPartitions, version: 0, body: () => ({ topics: [{ name: 'secret' }], responsePartitionLimit: 100, cursor: null }), errors: (r: ApiMessages[75]['response']) => r.topics.map((t) => [t.errorCode, t.partitions.length]), expected: [[TOPIC, 0]] },
      { name: 'DescribeCluster (authorized operations)', apiKey: ApiKey.DescribeCluster, version: 1, body: () => ({ includeClusterAuthorizedOperations: true, endpointType: 1 }), errors: (r: ApiMessages[60]['response']) => r.clusterAuthorizedOperations, expected: 0 },
    ];
    const before = { end: log().logEndOffset, start: log().logStartOffset };
    for (const row of rows) {
      const response = await raw.request(row.apiKey, row.version, row.body() as never, 10_000);
      assert.deepEqual(row.errors(response as never), row.expected, row.name);
    }
    assert.equal(raw.closed, false);
    // nothing changed: the log, committed offsets, topics, partitions, configs, ACLs, credentials
    assert.deepEqual({ end: log().logEndOffset, start: log().logStartOffset }, before);
    assert.deepEqual((await admin.fetchGroupOffsets('g1')).map((o) => [o.topic, o.offset]), [['secret', 0]]);
    const topics = server.broker.services.metadata.topics().map((t) => t.name);
    assert.ok(!topics.includes('alice-topic') && !topics.includes('brand-new') && topics.includes('secret'));
    assert.equal(server.broker.services.metadata.topic('secret')!.partitions.length, 1);
    assert.deepEqual(server.broker.services.metadata.topic('secret')!.configs, {});
    assert.deepEqual(server.broker.services.metadata.acls(), []);
    assert.deepEqual(server.broker.services.metadata.entityConfigs('users'), {});
    raw.socket.destroy();
  });

  it('with ACLs granted through kafka-acls, kafkajs produces and consumes as alice; a DENY still wins', async () => {
    const bootstrap = `127.0.0.1:${plainPort}`;
    const grant = await gregor(['kafka-acls', '--bootstrap-server', bootstrap, '--add', '--allow-principal', 'User:alice', '--producer', '--consumer', '--topic', 'orders', '--group', 'billing']);
    assert.equal(grant.code, 0, grant.stderr);
    const listed = await gregor(['kafka-acls', '--bootstrap-server', bootstrap, '--list', '--topic', 'orders']);
    assert.match(listed.stdout, /Current ACLs for resource `ResourcePattern\(resourceType=TOPIC, name=orders, patternType=LITERAL\)`/);
    for (const op of ['WRITE', 'DESCRIBE', 'CREATE', 'READ']) assert.match(listed.stdout, new RegExp(`principal=User:alice, host=\\*, operation=${op}, permissionType=ALLOW`));
    const kafka = new Kafka({ clientId: 'alice', brokers: [`127.0.0.1:${saslPort}`], logLevel: logLevel.NOTHING, sasl: { mechanism: 'plain', username: 'alice', password: 'alice-pw' }, retry: { retries: 2 } });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'orders', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'billing' });
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen.length} of 2`)), 20_000);
      void consumer.run({ eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        if (seen.length === 2) {
          clearTimeout(timer);
          resolve();
        }
      } });
    });
    await consumer.disconnect();
    assert.deepEqual(seen, ['a', 'b']);
    // a DENY on WRITE for everyone beats alice's ALLOW
    const deny = await gregor(['acls', 'add', '-b', bootstrap, '--deny-principal', 'User:*', '--operation', 'Write', '--topic', 'orders']);
    assert.equal(deny.code, 0, deny.stderr);
    const blocked = kafka.producer();
    await blocked.connect();
    await assert.rejects(blocked.send({ topic: 'orders', messages: [{ value: 'c' }] }), /authoriz/i);
    await blocked.disconnect();
    const removed = await gregor(['kafka-acls', '--bootstrap-server', bootstrap, '--remove', '--force', '--deny-principal', 'User:*', '--operation', 'Write', '--topic', 'orders']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(server.broker.services.metadata.acls().some((b) => b.permission === 2), false);
  });
});
