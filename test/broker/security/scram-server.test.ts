/**
 * The SCRAM server against RFC 7677's SCRAM-SHA-256 example (user "user", password "pencil"),
 * then the refusals: a wrong proof, an unknown user, channel binding, another authorization id,
 * delegation-token extensions, and librdkafka's doubled client nonce (accepted, as Kafka does).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScramSaslServer } from '../../../src/broker/security/sasl/scram-server.js';
import { credentialFromSalted, formatCredential, parseCredential, saltPassword, newCredential } from '../../../src/protocol/sasl/scram-credential.js';
import { createHash, createHmac } from 'node:crypto';

const SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const RFC_CREDENTIAL = credentialFromSalted('SCRAM-SHA-256', saltPassword('SCRAM-SHA-256', 'pencil', SALT, 4096), SALT, 4096);
const CLIENT_NONCE = 'rOprNGfwEbeRWgbNEkqO';
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const NONCE = CLIENT_NONCE + SERVER_NONCE;

function rfcServer(): ScramSaslServer {
  return new ScramSaslServer('SCRAM-SHA-256', (u) => (u === 'user' ? RFC_CREDENTIAL : undefined), () => SERVER_NONCE);
}

test("RFC 7677's exchange: the server's first and final messages are the RFC's", () => {
  const server = rfcServer();
  const first = server.step(Buffer.from(`n,,n=user,r=${CLIENT_NONCE}`));
  assert.deepEqual(first, { kind: 'challenge', token: Buffer.from(`r=${NONCE},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`) });
  const final = server.step(Buffer.from(`c=biws,r=${NONCE},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=`));
  assert.deepEqual(final, { kind: 'done', token: Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='), user: 'user' });
});

test('a wrong proof and an unknown user get the same refusal', () => {
  const server = rfcServer();
  server.step(Buffer.from(`n,,n=user,r=${CLIENT_NONCE}`));
  const wrong = server.step(Buffer.from(`c=biws,r=${NONCE},p=${Buffer.alloc(32, 7).toString('base64')}`));
  const unknown = rfcServer().step(Buffer.from(`n,,n=mallory,r=${CLIENT_NONCE}`));
  const message = 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256';
  assert.deepEqual(wrong, { kind: 'failed', message });
  assert.deepEqual(unknown, { kind: 'failed', message });
});

test("librdkafka's doubled client nonce is accepted (Kafka checks that the nonce ends with the server's)", () => {
  const server = rfcServer();
  server.step(Buffer.from(`n,,n=user,r=${CLIENT_NONCE}`));
  // the proof depends on the final message as sent, so compute it for the doubled nonce
  const withoutProof = `c=biws,r=${CLIENT_NONCE}${NONCE}`;
  const auth = `n=user,r=${CLIENT_NONCE},r=${NONCE},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,${withoutProof}`;
  const salted = saltPassword('SCRAM-SHA-256', 'pencil', SALT, 4096);
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const signature = createHmac('sha256', createHash('sha256').update(clientKey).digest()).update(auth).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  const out = server.step(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`));
  assert.equal(out.kind, 'done');
  const wrongNonce = rfcServer();
  wrongNonce.step(Buffer.from(`n,,n=user,r=${CLIENT_NONCE}`));
  assert.deepEqual(wrongNonce.step(Buffer.from(`c=biws,r=${CLIENT_NONCE}other,p=AAAA`)), { kind: 'failed', message: 'Invalid client nonce in the final client message.' });
});

test('refused first messages: channel binding, another authorization id, token authentication, garbage', () => {
  const cases: [string, RegExp][] = [
    [`p=tls-unique,,n=user,r=${CLIENT_NONCE}`, /channel binding is not supported/],
    [`n,a=admin,n=user,r=${CLIENT_NONCE}`, /authorization id that is different from username/],
    [`n,,n=user,r=${CLIENT_NONCE},tokenauth=true`, /delegation tokens are not supported/],
    ['hello', /Invalid SCRAM client first message/],
    [`n,,n=us=er,r=${CLIENT_NONCE}`, /bad user name/],
  ];
  for (const [message, expected] of cases) {
    const out = rfcServer().step(Buffer.from(message));
    assert.equal(out.kind, 'failed', message);
    assert.match((out as { message: string }).message, expected, message);
  }
  // the exchange is over after a failure or success
  const server = rfcServer();
  server.step(Buffer.from('hello'));
  assert.equal(server.step(Buffer.from(`n,,n=user,r=${CLIENT_NONCE}`)).kind, 'failed');
});

test("credentials round-trip through Kafka's text form; a SHA-512 credential has 64-byte keys", () => {
  const c = newCredential('SCRAM-SHA-512', 'secret', 8192);
  const text = formatCredential(c);
  assert.match(text, /^salt=[^,]+,stored_key=[^,]+,server_key=[^,]+,iterations=8192$/);
  assert.deepEqual(parseCredential(text), c);
  assert.equal(c.storedKey.length, 64);
  assert.equal(parseCredential('salt=abc'), undefined);
});
