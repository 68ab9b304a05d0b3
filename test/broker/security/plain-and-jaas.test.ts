/**
 * SASL/PLAIN against a JAAS user table, and the JAAS parser on Kafka's own examples.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJaasConfig, plainUsers } from '../../../src/broker/security/sasl/jaas-config.js';
import { PlainSaslServer } from '../../../src/broker/security/sasl/plain-server.js';

const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" user_admin="admin-secret" user_alice="al\\"ice";';

test("the JAAS parser reads Kafka's PlainLoginModule example and PLAIN's users", () => {
  const modules = parseJaasConfig(JAAS);
  assert.equal(modules.length, 1);
  assert.equal(modules[0]!.flag, 'required');
  assert.equal(modules[0]!.options.username, 'admin');
  assert.deepEqual([...plainUsers(modules)], [['admin', 'admin-secret'], ['alice', 'al"ice']]);
  const two = parseJaasConfig('a.B required x=1; c.D optional y="two words";');
  assert.deepEqual(two.map((m) => [m.loginModule, m.options]), [['a.B', { x: '1' }], ['c.D', { y: 'two words' }]]);
});

test('malformed JAAS configs are refused with what is wrong', () => {
  assert.throws(() => parseJaasConfig('org.Foo required user_a="x"'), /must end with ';'/);
  assert.throws(() => parseJaasConfig('org.Foo user_a="x";'), /needs a flag/);
  assert.throws(() => parseJaasConfig('org.Foo required user_a=;'), /has no value/);
  assert.throws(() => parseJaasConfig('org.Foo required user_a="x;'), /not closed/);
  assert.throws(() => parseJaasConfig('   '), /no login module/);
});

test('PLAIN: the right password authenticates; wrong ones, unknown users and other authorization ids do not', () => {
  const users = plainUsers(parseJaasConfig(JAAS));
  const step = (msg: string) => new PlainSaslServer(users).step(Buffer.from(msg));
  assert.deepEqual(step('\u0000admin\u0000admin-secret'), { kind: 'done', token: Buffer.alloc(0), user: 'admin' });
  assert.deepEqual(step('admin\u0000admin\u0000admin-secret'), { kind: 'done', token: Buffer.alloc(0), user: 'admin' });
  const invalid = { kind: 'failed', message: 'Authentication failed: Invalid username or password' };
  assert.deepEqual(step('\u0000admin\u0000wrong'), invalid);
  assert.deepEqual(step('\u0000nobody\u0000admin-secret'), invalid);
  assert.match((step('alice\u0000admin\u0000admin-secret') as { message: string }).message, /authorization id that is different/);
  assert.match((step('\u0000admin') as { message: string }).message, /expected 3 tokens/);
  assert.match((step('\u0000\u0000pw') as { message: string }).message, /username not specified/);
});
