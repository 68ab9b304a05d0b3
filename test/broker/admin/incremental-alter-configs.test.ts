/**
 * IncrementalAlterConfigs (kafkajs lacks it, so raw requests) against a real broker: SET, DELETE,
 * APPEND and SUBTRACT on topic overrides and their effect on DescribeConfigs and the logs,
 * validation, validateOnly, and the broker and broker-logger resources.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { rawClient } from './clients.js';
import type { RawClient } from './raw-client.js';

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

let tb: TestBroker;
let raw: RawClient;

before(async () => {
  tb = await startTestBroker();
  raw = await rawClient(tb);
  const r = await raw.send(ApiKey.CreateTopics, 7, {
    topics: [{ name: 'inc', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
  });
  assert.equal(r.topics[0]!.errorCode, ErrorCode.NONE);
});

after(async () => {
  raw.close();
  await tb.stop();
});

type Op = [name: string, op: number, value: string | null];

async function alter(resourceType: number, resourceName: string, ops: Op[], validateOnly = false, version = 1) {
  const r = await raw.send(ApiKey.IncrementalAlterConfigs, version, {
    resources: [{ resourceType, resourceName, configs: ops.map(([name, configOperation, value]) => ({ name, configOperation, value })) }],
    validateOnly,
  });
  return r.responses[0]!;
}

async function config(resourceType: number, resourceName: string, name: string): Promise<{ value: string | null; source: number | undefined }> {
  const r = await raw.send(ApiKey.DescribeConfigs, 4, {
    resources: [{ resourceType, resourceName, configurationKeys: [name] }], includeSynonyms: false, includeDocumentation: false,
  });
  const c = r.results[0]!.configs[0]!;
  return { value: c.value, source: c.configSource };
}

test('SET and DELETE change single overrides and leave the others alone', async () => {
  assert.equal((await alter(TOPIC, 'inc', [['retention.ms', SET, '1234'], ['max.message.bytes', SET, '5000']])).errorCode, ErrorCode.NONE);
  assert.deepEqual(await config(TOPIC, 'inc', 'retention.ms'), { value: '1234', source: 1 });
  assert.equal((await alter(TOPIC, 'inc', [['retention.ms', DELETE, null], ['segment.ms', DELETE, null]], false, 0)).errorCode, ErrorCode.NONE);
  assert.deepEqual(await config(TOPIC, 'inc', 'retention.ms'), { value: '604800000', source: 5 });
  assert.deepEqual(await config(TOPIC, 'inc', 'max.message.bytes'), { value: '5000', source: 1 });
  assert.equal(tb.broker.services.replicas.get('inc', 0)!.log.config.maxMessageBytes, 5000);
});

test('APPEND and SUBTRACT edit a list setting, starting from its default', async () => {
  assert.equal((await alter(TOPIC, 'inc', [['cleanup.policy', APPEND, 'compact']])).errorCode, ErrorCode.NONE);
  assert.deepEqual(await config(TOPIC, 'inc', 'cleanup.policy'), { value: 'delete,compact', source: 1 });
  assert.deepEqual(tb.broker.services.replicas.get('inc', 0)!.log.config.cleanupPolicy, { delete: true, compact: true });
  assert.equal((await alter(TOPIC, 'inc', [['cleanup.policy', APPEND, 'compact']])).errorCode, ErrorCode.NONE);
  assert.equal((await config(TOPIC, 'inc', 'cleanup.policy')).value, 'delete,compact', 'appending a present element changes nothing');
  assert.equal((await alter(TOPIC, 'inc', [['cleanup.policy', SUBTRACT, 'delete']])).errorCode, ErrorCode.NONE);
  assert.equal((await config(TOPIC, 'inc', 'cleanup.policy')).value, 'compact');
  assert.deepEqual(tb.broker.services.replicas.get('inc', 0)!.log.config.cleanupPolicy, { delete: false, compact: true });
  assert.equal((await alter(TOPIC, 'inc', [['cleanup.policy', DELETE, null]])).errorCode, ErrorCode.NONE);
});

test('errors: APPEND to a non-list, invalid values, null values, unknown operations and topics; nothing partial is applied', async () => {
  const notList = await alter(TOPIC, 'inc', [['retention.ms', APPEND, '5']]);
  assert.equal(notList.errorCode, ErrorCode.INVALID_CONFIG);
  assert.match(notList.errorMessage ?? '', /not LIST/);
  assert.equal((await alter(TOPIC, 'inc', [['retention.ms', SET, '99'], ['segment.bytes', SET, 'huge']])).errorCode, ErrorCode.INVALID_CONFIG);
  assert.equal((await alter(TOPIC, 'inc', [['no.such.setting', SET, '1']])).errorCode, ErrorCode.INVALID_CONFIG);
  assert.equal((await alter(TOPIC, 'inc', [['retention.ms', SET, null]])).errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal((await alter(TOPIC, 'inc', [['retention.ms', 9, '1']])).errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal((await alter(TOPIC, 'inc', [['retention.ms', SET, '1'], ['retention.ms', DELETE, null]])).errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal((await alter(TOPIC, 'absent', [['retention.ms', SET, '1']])).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal((await alter(TOPIC, 'bad name', [['retention.ms', SET, '1']])).errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  assert.deepEqual(await config(TOPIC, 'inc', 'retention.ms'), { value: '604800000', source: 5 });
});

test('validateOnly validates without applying', async () => {
  assert.equal((await alter(TOPIC, 'inc', [['retention.ms', SET, '42']], true)).errorCode, ErrorCode.NONE);
  assert.equal((await alter(TOPIC, 'inc', [['retention.ms', SET, '-5']], true)).errorCode, ErrorCode.INVALID_CONFIG);
  assert.equal((await config(TOPIC, 'inc', 'retention.ms')).value, '604800000');
});

test('broker resources: dynamic settings per broker and as cluster default, their effect on topics, and Kafka\'s refusals', async () => {
  const log = () => tb.broker.services.replicas.get('inc', 0)!.log.config;
  // the cluster default reaches every topic without an override, at once
  assert.equal((await alter(BROKER, '', [['log.retention.ms', SET, '5000']], true)).errorCode, ErrorCode.NONE);
  assert.equal(log().retentionMs, 604800000, 'validateOnly changes nothing');
  assert.equal((await alter(BROKER, '', [['log.retention.ms', SET, '5000']])).errorCode, ErrorCode.NONE);
  assert.deepEqual(await config(TOPIC, 'inc', 'retention.ms'), { value: '5000', source: 3 });
  assert.equal(log().retentionMs, 5000);
  // this broker's own value wins over the default
  assert.equal((await alter(BROKER, '1', [['log.retention.ms', SET, '7000'], ['message.max.bytes', SET, '2000000']])).errorCode, ErrorCode.NONE);
  assert.deepEqual(await config(BROKER, '1', 'log.retention.ms'), { value: '7000', source: 2 });
  assert.deepEqual(await config(TOPIC, 'inc', 'retention.ms'), { value: '7000', source: 2 });
  assert.deepEqual(await config(BROKER, '1', 'message.max.bytes'), { value: '2000000', source: 2 });
  assert.equal(log().maxMessageBytes, 5000, 'the topic\'s own override (set above) still wins');
  // APPEND and SUBTRACT on a list setting start from its default
  assert.equal((await alter(BROKER, '', [['log.cleanup.policy', APPEND, 'compact']])).errorCode, ErrorCode.NONE);
  assert.deepEqual(await config(BROKER, '', 'log.cleanup.policy'), { value: 'delete,compact', source: 3 });
  assert.deepEqual(log().cleanupPolicy, { delete: true, compact: true });
  assert.equal((await alter(BROKER, '', [['log.cleanup.policy', SUBTRACT, 'compact']])).errorCode, ErrorCode.NONE);
  const notList = await alter(BROKER, '', [['log.retention.ms', APPEND, '1']]);
  assert.deepEqual([notList.errorCode, notList.errorMessage], [ErrorCode.INVALID_CONFIG, 'Config value append is not allowed for config key: log.retention.ms']);
  // Kafka's refusals
  const refusals: [string, Op[], string][] = [
    ['1', [['log.dirs', SET, '/x']], 'Cannot update these configs dynamically: Set(log.dirs)'],
    ['', [['ssl.keystore.location', SET, '/ks.p12']], 'These security configs can be dynamically updated only per-listener using the listener prefix: Set(ssl.keystore.location)'],
    ['', [['sasl.kerberos.min.time.before.relogin', SET, '58000']], 'Cannot update these configs at default cluster level, broker id must be specified: Set(sasl.kerberos.min.time.before.relogin)'],
    ['1', [['log.retention.ms', SET, 'soon']], 'Invalid value soon for configuration log.retention.ms: expected a 64-bit integer, got \'soon\''],
    ['1', [['num.io.threads', SET, '100']], 'Dynamic thread count update validation failed for num.io.threads=100, value should not be greater than double the current value 8'],
    ['1', [['log.cleaner.threads', SET, '0']], 'Log cleaner threads should be at least 1'],
  ];
  for (const [name, ops, message] of refusals) {
    const r = await alter(BROKER, name, ops);
    assert.deepEqual([r.errorCode, r.errorMessage], [ErrorCode.INVALID_REQUEST, message], message);
  }
  assert.equal((await alter(BROKER, '1', [['sasl.kerberos.min.time.before.relogin', SET, '58000'], ['listener.name.plaintext.ssl.keystore.location', SET, '/ks.p12']])).errorCode, ErrorCode.NONE);
  assert.equal((await alter(BROKER, '5', [['log.retention.ms', DELETE, null]])).errorCode, ErrorCode.INVALID_REQUEST);
  // DELETE goes back to the next layer down
  for (const name of ['log.retention.ms', 'message.max.bytes', 'sasl.kerberos.min.time.before.relogin', 'listener.name.plaintext.ssl.keystore.location']) {
    assert.equal((await alter(BROKER, '1', [[name, DELETE, null]])).errorCode, ErrorCode.NONE);
  }
  assert.deepEqual(await config(TOPIC, 'inc', 'retention.ms'), { value: '5000', source: 3 });
  assert.equal((await alter(BROKER, '', [['log.retention.ms', DELETE, null], ['log.cleanup.policy', DELETE, null]])).errorCode, ErrorCode.NONE);
  assert.deepEqual(await config(TOPIC, 'inc', 'retention.ms'), { value: '604800000', source: 5 });
  assert.equal(log().retentionMs, 604800000);
});

test('the broker logger: SET the root level (seen by DescribeConfigs and the logger); bad levels, DELETE and unknown loggers refused', async () => {
  const logger = tb.broker.services.logger;
  const before = logger.level;
  try {
    assert.equal((await alter(BROKER_LOGGER, '1', [['root', SET, 'DEBUG']], true)).errorCode, ErrorCode.NONE);
    assert.equal(logger.level, before, 'validateOnly changes nothing');
    assert.equal((await alter(BROKER_LOGGER, '1', [['root', SET, 'DEBUG']])).errorCode, ErrorCode.NONE);
    assert.equal(logger.level, 'debug');
    assert.equal((await config(BROKER_LOGGER, '1', 'root')).value, 'DEBUG');
    assert.equal((await alter(BROKER_LOGGER, '1', [['root', SET, 'LOUD']])).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await alter(BROKER_LOGGER, '1', [['root', DELETE, null]])).errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await alter(BROKER_LOGGER, '1', [['kafka.server', SET, 'INFO']])).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await alter(BROKER_LOGGER, '1', [['root', APPEND, 'INFO']])).errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await alter(BROKER_LOGGER, '2', [['root', SET, 'INFO']])).errorCode, ErrorCode.INVALID_REQUEST);
  } finally {
    logger.level = before;
  }
});

test('a resource named twice in one request is refused (each copy)', async () => {
  const r = await raw.send(ApiKey.IncrementalAlterConfigs, 1, {
    resources: [
      { resourceType: TOPIC, resourceName: 'inc', configs: [{ name: 'retention.ms', configOperation: SET, value: '1' }] },
      { resourceType: TOPIC, resourceName: 'inc', configs: [] },
    ],
    validateOnly: false,
  });
  assert.deepEqual(r.responses.map((x) => x.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  assert.equal((await config(TOPIC, 'inc', 'retention.ms')).value, '604800000');
});
