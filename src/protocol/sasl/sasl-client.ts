/**
 * SASL on the client side (sans-io): PLAIN (RFC 4616) and SCRAM-SHA-256/512 (RFC 5802, 7677) as
 * Kafka's clients run them. `start()` gives the first token; `step(serverToken)` the next, or
 * `undefined` when the exchange is complete; a server that cannot prove it knows the password
 * (SCRAM's final signature) throws.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashOf, hmac, saltPassword, type ScramMechanism } from './scram-credential.js';

export type SaslMechanismName = 'PLAIN' | ScramMechanism;

export interface SaslClient {
  readonly mechanism: SaslMechanismName;
  start(): Buffer;
  step(serverToken: Buffer): Buffer | undefined;
}

export class SaslClientError extends Error {
  override readonly name = 'SaslClientError';
}

class PlainClient implements SaslClient {
  readonly mechanism = 'PLAIN';
  constructor(private readonly user: string, private readonly password: string) {}
  start(): Buffer {
    return Buffer.from(`\u0000${this.user}\u0000${this.password}`, 'utf8');
  }
  step(): undefined {
    return undefined;
  }
}

const saslName = (s: string): string => s.replace(/=/g, '=3D').replace(/,/g, '=2C');

class ScramClient implements SaslClient {
  private readonly nonce: string;
  private clientFirstBare = '';
  private expectedServerSignature: Buffer | undefined;

  constructor(readonly mechanism: ScramMechanism, private readonly user: string, private readonly password: string, nonce?: string) {
    this.nonce = nonce ?? randomBytes(24).toString('base64url');
  }

  start(): Buffer {
    this.clientFirstBare = `n=${saslName(this.user)},r=${this.nonce}`;
    return Buffer.from(`n,,${this.clientFirstBare}`, 'utf8');
  }

  step(serverToken: Buffer): Buffer | undefined {
    const text = serverToken.toString('utf8');
    if (this.expectedServerSignature) return this.finish(text);
    const attrs = new Map(text.split(',').map((p) => [p.slice(0, 1), p.slice(2)] as [string, string]));
    const nonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterations = Number(attrs.get('i'));
    if (!nonce || !nonce.startsWith(this.nonce) || !salt || !Number.isInteger(iterations) || iterations <= 0) {
      throw new SaslClientError(`invalid SCRAM server first message: ${text}`);
    }
    const hash = hashOf(this.mechanism);
    const salted = saltPassword(this.mechanism, this.password, Buffer.from(salt, 'base64'), iterations);
    const clientKey = hmac(hash, salted, 'Client Key');
    const storedKey = createHash(hash).update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
    const signature = hmac(hash, storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    this.expectedServerSignature = hmac(hash, hmac(hash, salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8');
  }

  private finish(text: string): undefined {
    if (text.startsWith('e=')) throw new SaslClientError(`SCRAM authentication failed: ${text.slice(2)}`);
    const v = Buffer.from(text.startsWith('v=') ? text.slice(2) : '', 'base64');
    if (v.length !== this.expectedServerSignature!.length || !timingSafeEqual(v, this.expectedServerSignature!)) {
      throw new SaslClientError('the server\'s SCRAM signature is wrong: it does not know the password');
    }
    return undefined;
  }
}

export function saslClient(mechanism: SaslMechanismName, user: string, password: string): SaslClient {
  return mechanism === 'PLAIN' ? new PlainClient(user, password) : new ScramClient(mechanism, user, password);
}
