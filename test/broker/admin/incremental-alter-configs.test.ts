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

test('broker resources: settings cannot change at runtime (INVALID_REQUEST), DELETE is a no-op, other ids are invalid', async () => {
  const set = await alter(BROKER, '1', [['log.retention.ms', SET, '1000']]);
  assert.equal(set.errorCode, ErrorCode.INVALID_REQUEST);
  assert.match(set.errorMessage ?? '', /Cannot update these configs dynamically/);
  assert.equal((await alter(BROKER, '', [['num.partitions', SET, '3']])).errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal((await alter(BROKER, '1', [['log.retention.ms', DELETE, null]])).errorCode, ErrorCode.NONE);
  assert.equal((await alter(BROKER, '5', [['log.retention.ms', DELETE, null]])).errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal((await config(BROKER, '1', 'log.retention.ms')).value, null);
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
