/**
 * Which listener the HTTP APIs use as a client and how it reads HTTP Basic credentials; and a broker
 * with `http.console.enable=false` serves metrics but no console.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basicCredentials, chooseTarget, type SessionTarget } from '../../src/http/client-sessions.js';
import { startTestBroker } from '../support/broker.js';

const target = (listener: string, protocol: SessionTarget['security']['protocol'], saslMechanisms: string[] = [], clientAuth = false): SessionTarget => ({
  listener, host: '127.0.0.1', port: 1, security: { protocol, saslMechanisms, tls: protocol.endsWith('SSL') ? { requestCert: clientAuth, rejectUnauthorized: clientAuth } : undefined },
});

describe('console clients', () => {
  it('prefers PLAINTEXT, then SASL_PLAINTEXT, SASL_SSL, and SSL without required client certificates', () => {
    assert.equal(chooseTarget([target('A', 'SSL'), target('B', 'SASL_SSL', ['PLAIN']), target('C', 'PLAINTEXT')])?.listener, 'C');
    assert.equal(chooseTarget([target('A', 'SSL'), target('B', 'SASL_SSL', ['SCRAM-SHA-512'])])?.listener, 'B');
    assert.equal(chooseTarget([target('A', 'SSL', [], true), target('B', 'SSL')])?.listener, 'B');
    assert.equal(chooseTarget([target('A', 'SSL', [], true)]), undefined);
    assert.equal(chooseTarget([target('A', 'SASL_PLAINTEXT', ['OAUTHBEARER'])]), undefined);
  });

  it('reads Basic credentials, passwords with colons included', () => {
    const header = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    assert.deepEqual(basicCredentials(header('alice:pa:ss')), { username: 'alice', password: 'pa:ss' });
    assert.deepEqual(basicCredentials(header('zoé:')), { username: 'zoé', password: '' });
    assert.equal(basicCredentials(header('no-colon')), undefined);
    assert.equal(basicCredentials('Bearer abc'), undefined);
    assert.equal(basicCredentials(undefined), undefined);
  });

  it('http.console.enable=false leaves /metrics and turns the console off', async () => {
    const server = await startTestBroker({ 'http.listeners': 'http://127.0.0.1:0', 'http.console.enable': 'false' });
    try {
      const base = `http://127.0.0.1:${server.broker.http.bound[0]!.port}`;
      assert.equal((await fetch(`${base}/metrics`)).status, 200);
      assert.equal((await fetch(`${base}/ui/`)).status, 404);
      assert.equal((await fetch(`${base}/ui/api/topics`)).status, 404);
      const index = await fetch(`${base}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      assert.equal(index.status, 200);
    } finally {
      await server.stop();
    }
  });
});
