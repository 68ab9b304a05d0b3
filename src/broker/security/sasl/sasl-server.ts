/**
 * One SASL exchange on the server side: the client's tokens go in, the server's challenges come
 * out, until the exchange succeeds with an authenticated user or fails with a message the client
 * is shown. Sans-io: no sockets, no clocks.
 */
export type SaslStep =
  | { kind: 'challenge'; token: Buffer }
  | { kind: 'done'; token: Buffer; user: string; /** When the credential expires (epoch ms), if it does (OAUTHBEARER tokens). */ expiresAt?: number }
  | { kind: 'failed'; message: string };

export interface SaslServer {
  readonly mechanism: string;
  step(token: Buffer): SaslStep;
}

export const failed = (message: string): SaslStep => ({ kind: 'failed', message });
