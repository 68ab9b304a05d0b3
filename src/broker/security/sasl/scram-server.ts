/**
 * SASL/SCRAM-SHA-256 and SCRAM-SHA-512 on the server side (RFC 5802, RFC 7677), as Kafka runs
 * them: no channel binding (gs2 header `n` or `y`), an authorization id equal to the user name if
 * any, the credential looked up once the client names its user. Extensions in the client's first
 * message are accepted and ignored, except `tokenauth` (delegation tokens), which is refused.
 *
 *   client-first   n,,n=<user>,r=<client nonce>
 *   server-first   r=<client nonce><server nonce>,s=<salt>,i=<iterations>
 *   client-final   c=<b64 gs2 header>,r=<nonce>,p=<b64 proof>
 *   server-final   v=<b64 server signature>
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashOf, hmac, type ScramCredential, type ScramMechanism } from '../../../protocol/sasl/scram-credential.js';
import { failed, type SaslServer, type SaslStep } from './sasl-server.js';

type State =
  | { kind: 'first' }
  | { kind: 'final'; user: string; gs2Header: string; clientFirstBare: string; serverFirst: string; nonce: string; credential: ScramCredential }
  | { kind: 'over' };


/** Attributes `a=v,b=w` of a SCRAM message, in order. */
function attributes(text: string): [string, string][] {
  return text.split(',').map((part) => {
    const i = part.indexOf('=');
    return i === 1 ? [part[0]!, part.slice(2)] : ['', part];
  });
}

/** saslname decoding: `=2C` is ',' and `=3D` is '='; any other '=' is malformed. */
function decodeSaslName(s: string): string | undefined {
  if (/=(?!2C|3D)/.test(s)) return undefined;
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export class ScramSaslServer implements SaslServer {
  private state: State = { kind: 'first' };

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly credentialOf: (user: string) => ScramCredential | undefined,
    private readonly serverNonce: () => string = () => randomBytes(24).toString('base64url'),
  ) {}

  /** Kafka's answer to an unknown user or a wrong proof (the same, so neither is told apart). */
  private invalidCredentials(): string {
    return `Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`;
  }

  step(token: Buffer): SaslStep {
    const state = this.state;
    this.state = { kind: 'over' };
    const text = token.toString('utf8');
    if (state.kind === 'first') return this.clientFirst(text);
    if (state.kind === 'final') return this.clientFinal(text, state);
    return failed('Authentication failed: the SCRAM exchange is over');
  }

  private clientFirst(text: string): SaslStep {
    const m = /^([ny]),(a=[^,]*)?,(.*)$/.exec(text);
    if (!m) {
      return failed(text.startsWith('p=') ? 'Authentication failed: channel binding is not supported' : 'Invalid SCRAM client first message');
    }
    const gs2Header = `${m[1]},${m[2] ?? ''},`;
    const clientFirstBare = m[3]!;
    const attrs = attributes(clientFirstBare);
    if (attrs[0]?.[0] !== 'n' || attrs[1]?.[0] !== 'r' || attrs[1][1] === '') return failed('Invalid SCRAM client first message');
    const user = decodeSaslName(attrs[0][1]);
    if (user === undefined || user === '') return failed('Invalid SCRAM client first message: bad user name');
    const authzid = m[2] ? decodeSaslName(m[2].slice(2)) : undefined;
    if (authzid !== undefined && authzid !== '' && authzid !== user) {
      return failed('Authentication failed: Client requested an authorization id that is different from username');
    }
    const extensions = attrs.slice(2).map(([, v]) => v.split('=')[0]);
    if (extensions.includes('tokenauth')) return failed('Authentication failed: delegation tokens are not supported');
    const credential = this.credentialOf(user);
    if (!credential) return failed(this.invalidCredentials());
    const nonce = attrs[1][1] + this.serverNonce();
    const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.state = { kind: 'final', user, gs2Header, clientFirstBare, serverFirst, nonce, credential };
    return { kind: 'challenge', token: Buffer.from(serverFirst, 'utf8') };
  }

  private clientFinal(text: string, s: Extract<State, { kind: 'final' }>): SaslStep {
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) return failed('Invalid SCRAM client final message: no proof');
    const withoutProof = text.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    if (attrs[0]?.[0] !== 'c' || attrs[1]?.[0] !== 'r') return failed('Invalid SCRAM client final message');
    if (Buffer.from(attrs[0][1], 'base64').toString('utf8') !== s.gs2Header) return failed('Invalid SCRAM client final message: channel binding mismatch');
    // Kafka accepts a nonce that ends with the expected one: librdkafka before 2.x's fix sends the
    // client nonce twice (its own, then the server's whole nonce, which starts with it)
    if (!attrs[1][1].endsWith(s.nonce)) return failed('Invalid client nonce in the final client message.');
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    const hash = hashOf(this.mechanism);
    const authMessage = `${s.clientFirstBare},${s.serverFirst},${withoutProof}`;
    const clientSignature = hmac(hash, s.credential.storedKey, authMessage);
    if (proof.length !== clientSignature.length) return failed(this.invalidCredentials());
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    const storedKey = createHash(hash).update(clientKey).digest();
    if (storedKey.length !== s.credential.storedKey.length || !timingSafeEqual(storedKey, s.credential.storedKey)) return failed(this.invalidCredentials());
    const serverSignature = hmac(hash, s.credential.serverKey, authMessage);
    return { kind: 'done', token: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8'), user: s.user };
  }
}
