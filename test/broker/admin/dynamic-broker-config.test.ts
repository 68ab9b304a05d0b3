/**
 * Dynamic broker configuration end to end, with real clients:
 *   - kafkajs's (legacy) alterConfigs on this broker's resource sets a dynamically updatable
 *     setting (librdkafka's test case: sasl.kerberos.min.time.before.relogin) and is refused for a
 *     static one, with Kafka's message;
 *   - Kafka's kafka-configs tool (Gregor's) alters the cluster default and describes it;
 *   - the settings survive a restart, with their sources, and still reach the topics' logs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin } from 'kafkajs';

const ConfigResourceTypes = { TOPIC: 2, BROKER: 4 } as const;
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { expectOk, gregor } from '../../support/cli.js';
import { kafkajsAdmin } from './clients.js';

let tb: TestBroker;
let admin: Admin;

before(async () => {
  tb = await startTestBroker({ 'log.retention.hours': '24' });
  admin = await kafkajsAdmin(tb);
  await admin.createTopics({ topics: [{ topic: 'dyn', numPartitions: 1 }] });
});

after(async () => {
  await admin?.disconnect();
  await tb?.stop();
});

async function brokerEntry(name: string, entity = '1') {
  // (kafkajs refuses the empty name of the cluster default; the tool is used for that)
  const d = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.BROKER, name: entity, configNames: [name] }] });
  return d.resources[0]!.configEntries.find((e) => e.configName === name);
}

test('kafkajs alterConfigs on the broker: a dynamic setting is set, a static one refused with Kafka\'s message', async () => {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'sasl.kerberos.min.time.before.relogin', value: '58000' }] }],
  });
  const e = await brokerEntry('sasl.kerberos.min.time.before.relogin');
  assert.equal(e?.configValue, '58000');
  assert.equal(e?.configSource, 2); // DYNAMIC_BROKER_CONFIG
  assert.equal(e?.readOnly, false);
  await assert.rejects(admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'log.dirs', value: '/tmp/x' }] }],
  }), (err: { type?: string; message?: string }) => err.type === 'INVALID_REQUEST');
  // the refused change left the earlier one alone
  assert.equal((await brokerEntry('sasl.kerberos.min.time.before.relogin'))?.configValue, '58000');
});

test('kafka-configs --entity-default alters and describes the cluster default; topics follow', async () => {
  const altered = expectOk('alter', await gregor(['kafka-configs', '--bootstrap-server', tb.bootstrap, '--entity-type', 'brokers', '--entity-default',
    '--alter', '--add-config', 'log.retention.ms=3600000,log.cleaner.backoff.ms=500']));
  assert.equal(altered.stdout.trim(), 'Completed updating default config for brokers in the cluster.');
  const described = expectOk('describe', await gregor(['kafka-configs', '--bootstrap-server', tb.bootstrap, '--entity-type', 'brokers', '--entity-default', '--describe']));
  assert.deepEqual(described.stdout.trim().split('\n'), [
    'Default configs for brokers in the cluster are:',
    '  log.cleaner.backoff.ms=500 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.cleaner.backoff.ms=500}',
    '  log.retention.ms=3600000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=3600000}',
  ]);
  const brokerOwn = expectOk('describe broker', await gregor(['kafka-configs', '--bootstrap-server', tb.bootstrap, '--entity-type', 'brokers', '--entity-name', '1', '--describe']));
  assert.deepEqual(brokerOwn.stdout.trim().split('\n'), [
    'Dynamic configs for broker 1 are:',
    '  sasl.kerberos.min.time.before.relogin=58000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:sasl.kerberos.min.time.before.relogin=58000, DEFAULT_CONFIG:sasl.kerberos.min.time.before.relogin=60000}',
  ]);
  assert.equal(tb.broker.services.replicas.get('dyn', 0)!.log.config.retentionMs, 3_600_000);
  const retention = await brokerEntry('log.retention.ms');
  assert.deepEqual(retention?.configSynonyms.map((s) => [s.configName, s.configValue, s.configSource]), [
    ['log.retention.ms', '3600000', 3], ['log.retention.hours', '24', 4], ['log.retention.hours', '168', 5],
  ]);
});

test('dynamic settings survive a restart and apply from the start', async () => {
  await tb.restart();
  await admin.disconnect();
  admin = await kafkajsAdmin(tb);
  assert.equal((await brokerEntry('sasl.kerberos.min.time.before.relogin'))?.configValue, '58000');
  assert.deepEqual(tb.broker.services.config.dynamicLayers.defaults, { 'log.retention.ms': '3600000', 'log.cleaner.backoff.ms': '500' });
  assert.equal(tb.broker.services.replicas.get('dyn', 0)!.log.config.retentionMs, 3_600_000);
  const d = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'dyn', configNames: ['retention.ms'] }] });
  assert.deepEqual([d.resources[0]!.configEntries[0]!.configValue, d.resources[0]!.configEntries[0]!.configSource], ['3600000', 3]);
  // back to the static value once the dynamic default is removed
  expectOk('delete', await gregor(['kafka-configs', '--bootstrap-server', tb.bootstrap, '--entity-type', 'brokers', '--entity-default',
    '--alter', '--delete-config', 'log.retention.ms']));
  assert.equal(tb.broker.services.replicas.get('dyn', 0)!.log.config.retentionMs, 24 * 3_600_000);
});
