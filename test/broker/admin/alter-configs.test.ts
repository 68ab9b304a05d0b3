/**
 * AlterConfigs (legacy, whole-set replacement) against a real broker: kafkajs's alterConfigs, the
 * effect on DescribeConfigs and on the partition logs, validateOnly, and the errors per resource.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { kafkajsAdmin, kafkajsErrorType, rawClient } from './clients.js';
import type { RawClient } from './raw-client.js';

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;

let tb: TestBroker;
let admin: Admin;
let raw: RawClient;

before(async () => {
  tb = await startTestBroker();
  admin = await kafkajsAdmin(tb);
  raw = await rawClient(tb);
  await admin.createTopics({ topics: [{ topic: 'altered', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
});

after(async () => {
  await admin.disconnect();
  raw.close();
  await tb.stop();
});

async function described(topic: string): Promise<Map<string, { value: string; source: number }>> {
  const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC, name: topic }] });
  return new Map(d.resources[0]!.configEntries.map((e) => [e.configName, { value: e.configValue, source: (e as unknown as { configSource: number }).configSource }]));
}

test('kafkajs alterConfigs replaces the whole set of overrides and the logs use the new values', async () => {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: TOPIC, name: 'altered', configEntries: [{ name: 'retention.ms', value: '5000' }, { name: 'max.message.bytes', value: '3000' }] }],
  });
  const c = await described('altered');
  assert.deepEqual(c.get('retention.ms'), { value: '5000', source: 1 });
  assert.deepEqual(c.get('max.message.bytes'), { value: '3000', source: 1 });
  assert.deepEqual(c.get('cleanup.policy'), { value: 'delete', source: 5 }, 'an override left out is removed');
  const log = tb.broker.services.replicas.get('altered', 0)!.log;
  assert.equal(log.config.retentionMs, 5000);
  assert.equal(log.config.maxMessageBytes, 3000);
  assert.equal(log.config.cleanupPolicy.compact, false);
});

test('validateOnly checks without changing anything', async () => {
  await admin.alterConfigs({ validateOnly: true, resources: [{ type: TOPIC, name: 'altered', configEntries: [{ name: 'retention.ms', value: '7' }] }] });
  assert.equal((await described('altered')).get('retention.ms')!.value, '5000');
  assert.equal(
    await kafkajsErrorType(() => admin.alterConfigs({ validateOnly: true, resources: [{ type: TOPIC, name: 'altered', configEntries: [{ name: 'retention.ms', value: 'x' }] }] })),
    'INVALID_CONFIG',
  );
});

test('errors: unknown setting or bad value INVALID_CONFIG, unknown topic UNKNOWN_TOPIC_OR_PARTITION, nothing applied', async () => {
  assert.equal(
    await kafkajsErrorType(() => admin.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC, name: 'altered', configEntries: [{ name: 'no.such.setting', value: '1' }] }] })),
    'INVALID_CONFIG',
  );
  const r = await raw.send(ApiKey.AlterConfigs, 2, {
    resources: [
      { resourceType: TOPIC, resourceName: 'altered', configs: [{ name: 'min.cleanable.dirty.ratio', value: '7' }] },
      { resourceType: TOPIC, resourceName: 'absent', configs: [{ name: 'retention.ms', value: '1' }] },
      { resourceType: TOPIC, resourceName: '', configs: [] },
      { resourceType: TOPIC, resourceName: 'altered', configs: [] },
    ],
    validateOnly: false,
  });
  assert.deepEqual(r.responses.map((x) => [x.resourceName, x.errorCode]), [
    ['altered', ErrorCode.INVALID_REQUEST], ['absent', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], ['', ErrorCode.INVALID_REQUEST], ['altered', ErrorCode.INVALID_REQUEST],
  ], 'a resource named twice is refused (each copy)');
  const single = await raw.send(ApiKey.AlterConfigs, 0, {
    resources: [{ resourceType: TOPIC, resourceName: 'altered', configs: [{ name: 'min.cleanable.dirty.ratio', value: '7' }] }], validateOnly: false,
  });
  assert.equal(single.responses[0]!.errorCode, ErrorCode.INVALID_CONFIG);
  const dupKeys = await raw.send(ApiKey.AlterConfigs, 1, {
    resources: [{ resourceType: TOPIC, resourceName: 'altered', configs: [{ name: 'retention.ms', value: '1' }, { name: 'retention.ms', value: '2' }] }], validateOnly: false,
  });
  // a key named twice keeps its last value (Kafka before 3.2; librdkafka's helpers rely on it)
  assert.equal(dupKeys.responses[0]!.errorCode, ErrorCode.NONE);
  assert.equal((await described('altered')).get('retention.ms')!.value, '2');
});

test('broker resources: the given set becomes the dynamic configuration; static settings, per-broker ones at the default, other ids and BROKER_LOGGER are invalid', async () => {
  const r = await raw.send(ApiKey.AlterConfigs, 2, {
    resources: [
      { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.retention.ms', value: '1000' }] },
      { resourceType: BROKER, resourceName: '', configs: [{ name: 'listeners', value: 'PLAINTEXT://127.0.0.1:1' }] },
      { resourceType: BROKER, resourceName: '7', configs: [] },
      { resourceType: BROKER_LOGGER, resourceName: '1', configs: [] },
    ],
    validateOnly: false,
  });
  assert.deepEqual(r.responses.map((x) => [x.resourceType, x.resourceName, x.errorCode]), [
    [BROKER, '1', ErrorCode.NONE], [BROKER, '', ErrorCode.INVALID_REQUEST], [BROKER, '7', ErrorCode.INVALID_REQUEST], [BROKER_LOGGER, '1', ErrorCode.INVALID_REQUEST],
  ]);
  assert.equal(r.responses[1]!.errorMessage, 'Cannot update these configs at default cluster level, broker id must be specified: Set(listeners)');
  const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: BROKER, name: '1', configNames: ['log.retention.ms'] }] });
  assert.equal(d.resources[0]!.configEntries[0]!.configValue, '1000');
  assert.equal(d.resources[0]!.configEntries[0]!.configSource, 2);

  const staticOne = await raw.send(ApiKey.AlterConfigs, 2, {
    resources: [{ resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.dirs', value: '/elsewhere' }, { name: 'num.partitions', value: '3' }] }],
    validateOnly: false,
  });
  assert.equal(staticOne.responses[0]!.errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal(staticOne.responses[0]!.errorMessage, 'Cannot update these configs dynamically: Set(log.dirs, num.partitions)');
  // an empty set removes every dynamic setting of the broker
  const cleared = await raw.send(ApiKey.AlterConfigs, 2, { resources: [{ resourceType: BROKER, resourceName: '1', configs: [] }], validateOnly: false });
  assert.equal(cleared.responses[0]!.errorCode, ErrorCode.NONE);
  const after = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: BROKER, name: '1', configNames: ['log.retention.ms'] }] });
  assert.equal(after.resources[0]!.configEntries[0]!.configValue, null);
});
