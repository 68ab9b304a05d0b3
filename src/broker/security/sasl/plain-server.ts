/**
 * SASL/PLAIN (RFC 4616): one message `authzid NUL authcid NUL password`, checked against a user
 * table (the listener's JAAS `user_<name>` options). As in Kafka, an authorization id other than
 * the user name is refused, and both a wrong password and an unknown user get the same answer.
 */
import { timingSafeEqual } from 'node:crypto';
import { failed, type SaslServer, type SaslStep } from './sasl-server.js';

export class PlainSaslServer implements SaslServer {
  readonly mechanism = 'PLAIN';
  private finished = false;

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  step(token: Buffer): SaslStep {
    if (this.finished) return failed('Authentication failed: PLAIN takes a single message');
    this.finished = true;
    const parts = token.toString('utf8').split('\u0000');
    if (parts.length !== 3) return failed('Invalid SASL/PLAIN response: expected 3 tokens');
    const [authzid, user, password] = parts as [string, string, string];
    if (user === '') return failed('Authentication failed: username not specified');
    if (password === '') return failed('Authentication failed: password not specified');
    if (authzid !== '' && authzid !== user) return failed('Authentication failed: Client requested an authorization id that is different from username');
    const expected = this.users.get(user);
    if (expected === undefined || !sameText(expected, password)) return failed('Authentication failed: Invalid username or password');
    return { kind: 'done', token: Buffer.alloc(0), user };
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
