/**
 * Authorization of the new group protocols, as Kafka's table has it: ConsumerGroupHeartbeat and
 * ShareGroupHeartbeat need READ on the group and DESCRIBE on the subscribed topics;
 * ConsumerGroupDescribe and ShareGroupDescribe need DESCRIBE on the group; ShareFetch needs READ
 * on the group and on the topics; group settings need ALTER_CONFIGS on the group.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '../../../src/client/admin/admin.js';
import { KafkaClient } from '../../../src/client/kafka-client.js';
import { AclOperation, AclPermission, PatternType, ResourceType } from '../../../src/protocol/acl/acl-binding.js';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { saslAclBrokerSettings } from '../../support/sasl-acl-broker.js';

describe('ACLs on the consumer group protocol and share groups', () => {
  let server: TestBroker;
  let admin: KafkaClient;
  let alice: KafkaClient;
  let topicId: string;
  const grant = async (resourceType: number, resourceName: string, operation: number) => {
    const [r] = await new Admin(admin).createAcls([{ resourceType, resourceName, patternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation, permission: AclPermission.ALLOW }]);
    assert.equal(r!.errorCode, 0);
  };
  const consumerHeartbeat = () => alice.send(ApiKey.ConsumerGroupHeartbeat, {
    groupId: 'g', memberId: 'a1', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 5000, subscribedTopicNames: ['guarded'],
    subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [],
  });
  const shareHeartbeat = () => alice.send(ApiKey.ShareGroupHeartbeat, { groupId: 's', memberId: 's1', memberEpoch: 0, rackId: null, subscribedTopicNames: ['guarded'] });

  before(async () => {
    server = await startTestBroker({ ...saslAclBrokerSettings({ alice: 'alice-pw' }), 'num.partitions': '1' });
    admin = await KafkaClient.connect({ bootstrap: [server.bootstrap], clientId: 'admin', security: { sasl: { mechanism: 'PLAIN', username: 'admin', password: 'admin-pw' } } });
    alice = await KafkaClient.connect({ bootstrap: [server.bootstrap], clientId: 'alice', security: { sasl: { mechanism: 'PLAIN', username: 'alice', password: 'alice-pw' } } });
    await new Admin(admin).createTopics([{ name: 'guarded', numPartitions: 1, replicationFactor: 1 }]);
    topicId = (await admin.refreshMetadata(['guarded'])).topics.get('guarded')!.topicId;
  });
  after(async () => {
    alice?.close();
    admin?.close();
    await server?.stop();
  });

  it('heartbeats need READ on the group and DESCRIBE on the topics', async () => {
    assert.equal((await consumerHeartbeat()).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    assert.equal((await shareHeartbeat()).errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    await grant(ResourceType.GROUP, 'g', AclOperation.READ);
    await grant(ResourceType.GROUP, 's', AclOperation.READ);
    assert.equal((await consumerHeartbeat()).errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    assert.equal((await shareHeartbeat()).errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    await grant(ResourceType.TOPIC, 'guarded', AclOperation.DESCRIBE);
    assert.equal((await consumerHeartbeat()).errorCode, 0);
    assert.equal((await shareHeartbeat()).errorCode, 0);
  });

  it('describing needs DESCRIBE on the group; share fetches READ on the topic; group settings ALTER_CONFIGS', async () => {
    // READ on a group implies DESCRIBE, as in Kafka; a group without ACLs is refused
    const described = await alice.send(ApiKey.ConsumerGroupDescribe, { groupIds: ['g', 'h'], includeAuthorizedOperations: false });
    assert.deepEqual(described.groups.map((g) => [g.groupId, g.errorCode]), [['g', 0], ['h', ErrorCode.GROUP_AUTHORIZATION_FAILED]]);
    const shares = await alice.send(ApiKey.ShareGroupDescribe, { groupIds: ['s', 'h'], includeAuthorizedOperations: false });
    assert.deepEqual(shares.groups.map((g) => [g.groupId, g.errorCode]), [['s', 0], ['h', ErrorCode.GROUP_AUTHORIZATION_FAILED]]);
    const fetch = () => alice.send(ApiKey.ShareFetch, {
      groupId: 's', memberId: 's1', shareSessionEpoch: 0, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20,
      topics: [{ topicId, partitions: [{ partitionIndex: 0, partitionMaxBytes: 1 << 20, acknowledgementBatches: [] }] }], forgottenTopicsData: [],
    });
    assert.equal((await fetch()).errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    await grant(ResourceType.TOPIC, 'guarded', AclOperation.READ);
    assert.equal((await fetch()).errorCode, 0);
    const setting = () => alice.send(ApiKey.IncrementalAlterConfigs, {
      resources: [{ resourceType: 32, resourceName: 's', configs: [{ name: 'share.auto.offset.reset', configOperation: 0, value: 'earliest' }] }], validateOnly: false,
    });
    assert.equal((await setting()).responses[0]!.errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    await grant(ResourceType.GROUP, 's', AclOperation.ALTER_CONFIGS);
    assert.equal((await setting()).responses[0]!.errorCode, 0);
  });
});
