/**
 * DescribeConfigs against a real broker started with some static settings: topic configs with
 * their values, sources and synonym chains (kafkajs, includeSynonyms), key filters, broker and
 * broker-logger resources, and the per-version fields (raw requests).
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
// ConfigSource codes
const TOPIC_CONFIG = 1;
const STATIC_BROKER_CONFIG = 4;
const DEFAULT_CONFIG = 5;

let tb: TestBroker;
let admin: Admin;
let raw: RawClient;

before(async () => {
  tb = await startTestBroker({ 'log.retention.ms': '3600000', 'message.max.bytes': '2000000' });
  admin = await kafkajsAdmin(tb);
  raw = await rawClient(tb);
  await admin.createTopics({ topics: [{ topic: 'described', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
});

after(async () => {
  await admin.disconnect();
  raw.close();
  await tb.stop();
});

interface Synonym { configName: string; configValue: string; configSource: number }
interface Entry { configName: string; configValue: string; readOnly: boolean; configSource: number; isSensitive: boolean; configSynonyms: Synonym[] }

async function topicEntries(topic: string, configNames?: string[]): Promise<Map<string, Entry>> {
  const d = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: TOPIC, name: topic, ...(configNames ? { configNames } : {}) }] });
  const entries = d.resources[0]!.configEntries as unknown as Entry[];
  return new Map(entries.map((e) => [e.configName, e]));
}

const syn = (configName: string, configValue: string, configSource: number): Synonym => ({ configName, configValue, configSource });

test('a topic override: source TOPIC_CONFIG, synonyms override then the broker default', async () => {
  const e = (await topicEntries('described')).get('cleanup.policy')!;
  assert.equal(e.configValue, 'compact');
  assert.equal(e.configSource, TOPIC_CONFIG);
  assert.equal(e.readOnly, false);
  assert.equal(e.isSensitive, false);
  assert.deepEqual(e.configSynonyms, [syn('cleanup.policy', 'compact', TOPIC_CONFIG), syn('log.cleanup.policy', 'delete', DEFAULT_CONFIG)]);
});

test('broker settings from the properties file: source STATIC_BROKER_CONFIG with the chain down to the default', async () => {
  const all = await topicEntries('described');
  const retention = all.get('retention.ms')!;
  assert.equal(retention.configValue, '3600000');
  assert.equal(retention.configSource, STATIC_BROKER_CONFIG);
  assert.deepEqual(retention.configSynonyms, [syn('log.retention.ms', '3600000', STATIC_BROKER_CONFIG), syn('log.retention.hours', '168', DEFAULT_CONFIG)]);
  const maxBytes = all.get('max.message.bytes')!;
  assert.equal(maxBytes.configValue, '2000000');
  assert.deepEqual(maxBytes.configSynonyms, [syn('message.max.bytes', '2000000', STATIC_BROKER_CONFIG), syn('message.max.bytes', '1048588', DEFAULT_CONFIG)]);
});

test('defaults: DEFAULT_CONFIG, and Kafka\'s synonym list (segment.ms lists nothing, as log.roll.ms has no default)', async () => {
  const all = await topicEntries('described');
  const segmentBytes = all.get('segment.bytes')!;
  assert.equal(segmentBytes.configValue, '1073741824');
  assert.equal(segmentBytes.configSource, DEFAULT_CONFIG);
  assert.deepEqual(segmentBytes.configSynonyms, [syn('log.segment.bytes', '1073741824', DEFAULT_CONFIG)]);
  const segmentMs = all.get('segment.ms')!;
  assert.equal(segmentMs.configValue, '604800000');
  assert.equal(segmentMs.configSource, DEFAULT_CONFIG);
  assert.deepEqual(segmentMs.configSynonyms, []);
});

test('configNames filters (unknown names are left out); an unknown topic gets UNKNOWN_TOPIC_OR_PARTITION', async () => {
  const some = await topicEntries('described', ['retention.ms', 'no.such.setting']);
  assert.deepEqual([...some.keys()], ['retention.ms']);
  assert.equal(await kafkajsErrorType(() => admin.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC, name: 'absent' }] })), 'UNKNOWN_TOPIC_OR_PARTITION');
  const r = await raw.send(ApiKey.DescribeConfigs, 4, {
    resources: [{ resourceType: TOPIC, resourceName: 'absent', configurationKeys: null }, { resourceType: TOPIC, resourceName: 'bad name', configurationKeys: null }],
    includeSynonyms: false, includeDocumentation: false,
  });
  assert.deepEqual(r.results.map((x) => [x.resourceName, x.errorCode, x.configs.length]), [
    ['absent', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0], ['bad name', ErrorCode.INVALID_TOPIC_EXCEPTION, 0],
  ]);
});

test('the broker resource: every setting with its source, read-only unless dynamic; other ids are INVALID_REQUEST, "" the (empty) cluster defaults', async () => {
  const d = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: BROKER, name: '1' }] });
  const all = new Map((d.resources[0]!.configEntries as unknown as Entry[]).map((e) => [e.configName, e]));
  const retention = all.get('log.retention.ms')!;
  assert.equal(retention.configValue, '3600000');
  assert.equal(retention.configSource, STATIC_BROKER_CONFIG);
  assert.equal(retention.readOnly, false, 'log.retention.ms can change at runtime');
  assert.deepEqual(retention.configSynonyms, [syn('log.retention.ms', '3600000', STATIC_BROKER_CONFIG), syn('log.retention.hours', '168', DEFAULT_CONFIG)]);
  const partitions = all.get('num.partitions')!;
  assert.equal(partitions.configValue, '1');
  assert.equal(partitions.configSource, DEFAULT_CONFIG);
  assert.equal(partitions.readOnly, true, 'num.partitions cannot');
  const r = await raw.send(ApiKey.DescribeConfigs, 4, {
    resources: [
      { resourceType: BROKER, resourceName: '2', configurationKeys: null },
      { resourceType: BROKER, resourceName: 'one', configurationKeys: null },
      { resourceType: BROKER, resourceName: '', configurationKeys: null },
      { resourceType: BROKER, resourceName: '1', configurationKeys: ['num.partitions'] },
    ],
    includeSynonyms: false, includeDocumentation: false,
  });
  assert.deepEqual(r.results.map((x) => [x.resourceName, x.errorCode, x.configs.length]), [
    ['2', ErrorCode.INVALID_REQUEST, 0], ['one', ErrorCode.INVALID_REQUEST, 0], ['', ErrorCode.NONE, 0], ['1', ErrorCode.NONE, 1],
  ]);
  assert.match(r.results[0]!.errorMessage ?? '', /Unexpected broker id, expected 1/);
});

test('per version: v0 isDefault, v1 sources without synonyms unless asked, v3 config types and documentation when asked', async () => {
  const resources = [{ resourceType: TOPIC, resourceName: 'described', configurationKeys: ['cleanup.policy', 'retention.ms', 'segment.bytes'] }];
  const v0 = await raw.send(ApiKey.DescribeConfigs, 0, { resources });
  assert.deepEqual(v0.results[0]!.configs.map((c) => [c.name, c.isDefault]), [['cleanup.policy', false], ['retention.ms', false], ['segment.bytes', true]]);
  const v1 = await raw.send(ApiKey.DescribeConfigs, 1, { resources, includeSynonyms: false });
  assert.deepEqual(v1.results[0]!.configs.map((c) => [c.name, c.configSource, c.synonyms?.length]), [
    ['cleanup.policy', TOPIC_CONFIG, 0], ['retention.ms', STATIC_BROKER_CONFIG, 0], ['segment.bytes', DEFAULT_CONFIG, 0],
  ]);
  const v3 = await raw.send(ApiKey.DescribeConfigs, 3, { resources, includeSynonyms: true, includeDocumentation: true });
  assert.deepEqual(v3.results[0]!.configs.map((c) => [c.name, c.configType]), [['cleanup.policy', 7], ['retention.ms', 5], ['segment.bytes', 3]]);
  for (const c of v3.results[0]!.configs) assert.ok((c.documentation ?? '').length > 0, `${c.name} has documentation`);
  const v4 = await raw.send(ApiKey.DescribeConfigs, 4, { resources, includeSynonyms: false, includeDocumentation: false });
  for (const c of v4.results[0]!.configs) assert.equal(c.documentation, null);
});

test('the broker logger: the root logger\'s level; an empty broker id is INVALID_REQUEST', async () => {
  const r = await raw.send(ApiKey.DescribeConfigs, 4, {
    resources: [{ resourceType: BROKER_LOGGER, resourceName: '1', configurationKeys: null }, { resourceType: BROKER_LOGGER, resourceName: '', configurationKeys: null }],
    includeSynonyms: true, includeDocumentation: false,
  });
  assert.equal(r.results[0]!.errorCode, ErrorCode.NONE);
  assert.deepEqual(r.results[0]!.configs.map((c) => [c.name, c.configSource, c.readOnly]), [['root', 6, false]]);
  assert.ok(['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'].includes(r.results[0]!.configs[0]!.value ?? ''));
  assert.equal(r.results[1]!.errorCode, ErrorCode.INVALID_REQUEST);
});
