/**
 * The console is a client, not a back door: on a SASL listener with an authorizer, a request
 * without credentials is asked for them (401 with a Basic challenge), wrong credentials are
 * refused, and each user can do through the console exactly what their ACLs allow — ACLs and SCRAM
 * users managed from the console by a super user take effect for the others.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { saslAclBrokerSettings } from '../support/sasl-acl-broker.js';
import { consoleCaller, type Caller } from './console-caller.js';

describe('console security', () => {
  let server: TestBroker;
  let call: Caller;
  const ADMIN = 'admin:admin-pw';
  const ALICE = 'alice:alice-pw';

  before(async () => {
    server = await startTestBroker({ ...saslAclBrokerSettings({ alice: 'alice-pw' }), 'num.partitions': '1' });
    call = consoleCaller(server.broker.http.bound[0]!.port);
  });

  after(async () => {
    await server?.stop();
  });

  it('asks for credentials and refuses wrong ones', async () => {
    const none = await call('GET', '/session');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate')!, /^Basic realm="Gregor console"/);
    assert.match(none.body.message, /sign in with a Kafka user and password/);
    const wrong = await call('GET', '/topics', undefined, 'alice:nope');
    assert.equal(wrong.status, 401);
    const me = await call('GET', '/session', undefined, ALICE);
    assert.deepEqual(me.body, { user: 'alice', signInRequired: true });
  });

  it('does for each user what their ACLs allow, and ACLs set from the console apply', async () => {
    assert.equal((await call('POST', '/topics', { name: 'guarded' }, ADMIN)).status, 201);
    const refusedCreate = await call('POST', '/topics', { name: 'alices' }, ALICE);
    assert.deepEqual([refusedCreate.status, refusedCreate.body.kafka_error], [403, 'TOPIC_AUTHORIZATION_FAILED']);
    assert.deepEqual((await call('GET', '/topics', undefined, ALICE)).body, []);
    const refusedWrite = await call('POST', '/topics/guarded/messages', { value: 'x' }, ALICE);
    assert.equal(refusedWrite.status, 403);
    const refusedAcl = await call('POST', '/acls', { principal: 'User:alice', operation: 'ALL', resourceType: 'CLUSTER' }, ALICE);
    assert.deepEqual([refusedAcl.status, refusedAcl.body.kafka_error], [403, 'CLUSTER_AUTHORIZATION_FAILED']);

    const write = { principal: 'User:alice', operation: 'WRITE', resourceType: 'TOPIC', resourceName: 'guarded' };
    const describe = { ...write, operation: 'DESCRIBE' };
    assert.equal((await call('POST', '/acls', write, ADMIN)).status, 201);
    assert.equal((await call('POST', '/acls', describe, ADMIN)).status, 201);
    const bad = await call('POST', '/acls', { ...write, operation: 'FLY' }, ADMIN);
    assert.match(bad.body.message, /'operation' must be one of/);
    const acls = (await call('GET', '/acls', undefined, ADMIN)).body as { principal: string; operation: string; permission: string; patternType: string }[];
    assert.deepEqual(acls.map((a) => `${a.principal} ${a.permission} ${a.operation} ${a.patternType}`).sort(), ['User:alice ALLOW DESCRIBE LITERAL', 'User:alice ALLOW WRITE LITERAL']);

    assert.deepEqual((await call('GET', '/topics', undefined, ALICE)).body.map((t: { name: string }) => t.name), ['guarded']);
    const produced = await call('POST', '/topics/guarded/messages', { value: 'from alice' }, ALICE);
    assert.deepEqual([produced.status, produced.body.offset], [201, 0]);
    const read = await call('GET', '/topics/guarded/messages', undefined, ALICE);
    assert.equal(read.status, 403, 'alice may write but not read');

    assert.equal((await call('DELETE', '/acls', write, ADMIN)).status, 200);
    assert.equal((await call('DELETE', '/acls', write, ADMIN)).status, 404);
    assert.equal((await call('POST', '/topics/guarded/messages', { value: 'again' }, ALICE)).status, 403);
    const readAdmin = await call('GET', '/topics/guarded/messages', undefined, ADMIN);
    assert.deepEqual(readAdmin.body.records.map((r: { value: { text: string } }) => r.value.text), ['from alice']);
  });

  it('manages SCRAM users', async () => {
    assert.equal((await call('PUT', '/users/bob', { mechanism: 'SCRAM-SHA-512', password: 'bob-pw' }, ADMIN)).status, 200);
    assert.equal((await call('PUT', '/users/bob', { mechanism: 'MD5', password: 'x' }, ADMIN)).status, 400);
    assert.equal((await call('PUT', '/users/bob', { password: 'x', iterations: 10 }, ADMIN)).status, 400);
    assert.equal((await call('PUT', '/users/carol', { password: 'x' }, ALICE)).status, 403);
    const users = (await call('GET', '/users', undefined, ADMIN)).body as { user: string; credentials: { mechanism: string }[] }[];
    assert.deepEqual(users.map((u) => [u.user, u.credentials.map((c) => c.mechanism)]), [['bob', ['SCRAM-SHA-512']]]);
    assert.equal((await call('DELETE', '/users/bob?mechanism=SCRAM-SHA-512', undefined, ADMIN)).status, 200);
    assert.deepEqual((await call('GET', '/users', undefined, ADMIN)).body, []);
  });
});
