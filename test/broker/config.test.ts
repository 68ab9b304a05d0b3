/**
 * Broker configuration: Kafka's names and defaults, sources in precedence order, derived topic
 * defaults, and errors that name the offending setting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerConfig, envToSettingName } from '../../src/broker/config/broker-config.js';
import { ConfigError } from '../../src/common/config/config-def.js';

function settingError(name: string) {
  return (e: unknown): boolean => e instanceof ConfigError && e.setting === name && e.message.includes(name);
}

test('defaults: 127.0.0.1:9092, ./data, node 1, auto-creation with one partition', () => {
  const c = BrokerConfig.load({});
  assert.deepEqual(c.listeners(), [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092 }]);
  assert.deepEqual(c.logDirs(), ['./data']);
  assert.equal(c.nodeId, 1);
  assert.equal(c.bool('auto.create.topics.enable'), true);
  assert.equal(c.int('num.partitions'), 1);
  assert.equal(c.int('message.max.bytes'), 1048588);
  assert.equal(c.topicLogConfig({}).retentionMs, 168 * 3_600_000);
  assert.equal(c.topicLogConfig({}).segmentBytes, 1073741824);
});

test('a properties file, then environment, then overrides, each winning over the one before', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-config-'));
  const file = join(dir, 'server.properties');
  writeFileSync(file, 'num.partitions=3\nlog.retention.hours=24\nlog.dirs=/tmp/a\n# Kafka settings Gregor does not need still load\nnum.network.threads=3\nzookeeper.connection.timeout.ms=18000\n');
  const c = BrokerConfig.load({
    propertiesFile: file,
    env: { GREGOR_NUM_PARTITIONS: '5', KAFKA_LOG_SEGMENT_BYTES: '1048576', KAFKA_HEAP_OPTS: '-Xmx1G', PATH: '/bin' },
    overrides: ['num.partitions=7'],
  });
  assert.equal(c.int('num.partitions'), 7);
  assert.equal(c.int('log.segment.bytes'), 1048576);
  assert.deepEqual(c.logDirs(), ['/tmp/a']);
  assert.equal(c.topicLogConfig({}).retentionMs, 24 * 3_600_000);
  assert.equal(c.topicLogConfig({}).segmentBytes, 1048576);
  assert.equal(c.topicLogConfig({ 'retention.ms': '1000' }).retentionMs, 1000);
  assert.equal(c.setting('num.partitions')!.source, 'STATIC_BROKER_CONFIG');
  assert.equal(c.setting('num.io.threads')!.source, 'DEFAULT_CONFIG');
});

test('log.retention.ms beats minutes beats hours, as in Kafka', () => {
  assert.equal(BrokerConfig.fromMap({ 'log.retention.hours': '1', 'log.retention.minutes': '2' }).topicDefault('retention.ms').text, '120000');
  const ms = BrokerConfig.fromMap({ 'log.retention.hours': '1', 'log.retention.minutes': '2', 'log.retention.ms': '5' });
  assert.deepEqual(ms.topicDefault('retention.ms'), { text: '5', from: 'log.retention.ms', source: 'STATIC_BROKER_CONFIG' });
  assert.deepEqual(BrokerConfig.fromMap({}).topicDefault('retention.ms'), { text: '604800000', from: null, source: 'DEFAULT_CONFIG' });
  // a dynamic log.retention.ms beats the static hours as well
  const dynamic = BrokerConfig.fromMap({ 'log.retention.hours': '1' });
  dynamic.applyDynamic({ defaults: { 'log.retention.ms': '9' }, perBroker: {} });
  assert.deepEqual(dynamic.topicDefault('retention.ms'), { text: '9', from: 'log.retention.ms', source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' });
  dynamic.applyDynamic({ defaults: { 'log.retention.ms': '9' }, perBroker: { 'log.retention.ms': '7' } });
  assert.deepEqual(dynamic.topicDefault('retention.ms'), { text: '7', from: 'log.retention.ms', source: 'DYNAMIC_BROKER_CONFIG' });
  assert.equal(dynamic.topicLogConfig({}).retentionMs, 7);
});

test('unknown or invalid settings fail with the setting named', () => {
  assert.throws(() => BrokerConfig.fromMap({ 'no.such.setting': '1' }), settingError('no.such.setting'));
  assert.throws(() => BrokerConfig.fromMap({ 'num.partitions': 'many' }), settingError('num.partitions'));
  assert.throws(() => BrokerConfig.fromMap({ 'num.partitions': '0' }), settingError('num.partitions'));
  assert.throws(() => BrokerConfig.fromMap({ 'log.segment.bytes': '10' }), settingError('log.segment.bytes'));
  assert.throws(() => BrokerConfig.fromMap({ listeners: 'localhost:9092' }), settingError('listeners'));
  assert.throws(() => BrokerConfig.fromMap({ 'auto.create.topics.enable': 'yes' }), settingError('auto.create.topics.enable'));
  assert.throws(() => BrokerConfig.load({ env: { GREGOR_NO_SUCH_THING: '1' } }), settingError('no.such.thing'));
  assert.throws(() => BrokerConfig.load({ overrides: ['novalue'] }), (e: unknown) => e instanceof ConfigError);
  assert.throws(() => BrokerConfig.load({ propertiesFile: '/nonexistent/server.properties' }), (e: unknown) => e instanceof ConfigError);
});

test('environment names map as Kafka images map them', () => {
  assert.equal(envToSettingName('KAFKA_LOG_RETENTION_HOURS'), 'log.retention.hours');
  assert.equal(envToSettingName('GREGOR_NODE_ID'), 'node.id');
  assert.equal(envToSettingName('KAFKA_SOME__UNDERSCORE___DASH'), 'some_underscore-dash');
  assert.equal(envToSettingName('HOME'), undefined);
});

test('advertised listeners default to the listeners, with wildcard hosts made reachable', () => {
  const c = BrokerConfig.fromMap({ listeners: 'PLAINTEXT://0.0.0.0:9093' });
  assert.deepEqual(c.advertisedListeners(), [{ name: 'PLAINTEXT', host: 'localhost', port: 9093 }]);
  const a = BrokerConfig.fromMap({ 'advertised.listeners': 'PLAINTEXT://broker.example:19092' });
  assert.deepEqual(a.advertisedListeners(), [{ name: 'PLAINTEXT', host: 'broker.example', port: 19092 }]);
});
