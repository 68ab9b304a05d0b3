/**
 * The broker's HTTP APIs (the web console, the REST API) are Kafka clients: every action they
 * take goes through the Kafka protocol to the brokers, under the caller's identity, and meets the
 * same authentication, ACLs and quotas as any other client. This module owns those clients.
 *
 * Which listener: the first of this broker's listeners in the order PLAINTEXT, SASL_PLAINTEXT,
 * SASL_SSL, SSL (SSL only without required client certificates, which a browser's user cannot
 * lend the broker). On a SASL listener the caller must send HTTP Basic credentials, used as
 * the SASL username and password (PLAIN when the listener offers it, else SCRAM-SHA-512 or
 * -256); a request without them is answered 401 with a Basic challenge. On PLAINTEXT the
 * caller acts as ANONYMOUS, like any plaintext client. TLS connections go to this broker's own
 * bound address, so the broker does not verify the certificate it serves itself.
 *
 * Contract: one per broker, shared by its HTTP apps; clients are cached per (username, password digest),
 * closed after `idleMs` unused and on close(). Sessions may be used concurrently.
 */
import { createHash } from 'node:crypto';
import type { ClientSecurity } from '../client/client-security.js';
import { Admin } from '../client/admin/index.js';
import { KafkaClient } from '../client/kafka-client.js';
import { Producer } from '../client/producer/index.js';
import type { ListenerSecurity } from '../broker/security/listener-security.js';
import type { SaslMechanismName } from '../protocol/sasl/sasl-client.js';
import { HttpError } from './http-error.js';

export interface SessionTarget {
  listener: string;
  host: string;
  port: number;
  security: Pick<ListenerSecurity, 'protocol' | 'saslMechanisms' | 'tls'>;
}

/** A Kafka client acting for one caller. */
export interface ClientSession {
  readonly client: KafkaClient;
  readonly admin: Admin;
  /** The principal's name as the console knows it ('ANONYMOUS' without credentials). */
  readonly user: string;
  /** A producer (acks=all, no linger) made on first use. */
  producer(): Promise<Producer>;
}

interface CachedSession extends ClientSession {
  lastUsed: number;
  close(): Promise<void>;
}

const PROTOCOL_PREFERENCE = ['PLAINTEXT', 'SASL_PLAINTEXT', 'SASL_SSL', 'SSL'];
const CLIENT_MECHANISMS: readonly SaslMechanismName[] = ['PLAIN', 'SCRAM-SHA-512', 'SCRAM-SHA-256'];

function usable(t: SessionTarget): boolean {
  if (t.security.protocol === 'SSL' && t.security.tls?.requestCert && t.security.tls.rejectUnauthorized) return false;
  if (t.security.protocol.startsWith('SASL') && !CLIENT_MECHANISMS.some((m) => t.security.saslMechanisms.includes(m))) return false;
  return true;
}

/** The listener the console should use, or undefined when none can serve it. */
export function chooseTarget(targets: readonly SessionTarget[]): SessionTarget | undefined {
  const candidates = targets.filter(usable);
  return PROTOCOL_PREFERENCE.map((p) => candidates.find((t) => t.security.protocol === p)).find((t) => t !== undefined);
}

/** username and password of an `Authorization: Basic` header, or undefined. */
export function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

export class ClientSessions {
  private readonly sessions = new Map<string, Promise<CachedSession>>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly target: SessionTarget | undefined;

  constructor(
    targets: readonly SessionTarget[],
    private readonly idleMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.target = chooseTarget(targets);
    this.sweeper = setInterval(() => void this.closeIdle(), Math.min(idleMs, 60_000));
    this.sweeper.unref();
  }

  /** Whether callers must send credentials (the console's listener uses SASL). */
  get needsCredentials(): boolean {
    return this.target?.security.protocol.startsWith('SASL') ?? false;
  }

  /** The session for a request's Authorization header; 401 when credentials are needed and absent. */
  async session(authorization: string | undefined): Promise<ClientSession> {
    const target = this.target;
    if (!target) throw new HttpError(503, 'the HTTP APIs need a listener it can connect to as a client: PLAINTEXT, SASL_PLAINTEXT or SASL_SSL with PLAIN or SCRAM, or SSL without required client certificates');
    const creds = this.needsCredentials ? basicCredentials(authorization) : undefined;
    if (this.needsCredentials && !creds) throw new HttpError(401, `listener ${target.listener} uses ${target.security.protocol}: sign in with a Kafka user and password`);
    const key = creds ? `${creds.username}\u0000${createHash('sha256').update(creds.password).digest('hex')}` : '';
    let pending = this.sessions.get(key);
    if (!pending) {
      pending = this.open(target, creds);
      this.sessions.set(key, pending);
      pending.catch(() => this.sessions.delete(key));
    }
    const session = await pending;
    session.lastUsed = this.now();
    return session;
  }

  private async open(target: SessionTarget, creds: { username: string; password: string } | undefined): Promise<CachedSession> {
    const security: ClientSecurity = {};
    if (target.security.protocol.endsWith('SSL')) security.tls = { rejectUnauthorized: false };
    if (creds) {
      const mechanism = CLIENT_MECHANISMS.find((m) => target.security.saslMechanisms.includes(m))!;
      security.sasl = { mechanism, ...creds };
    }
    const host = target.host === '' || target.host === '0.0.0.0' ? '127.0.0.1' : target.host === '::' ? '::1' : target.host;
    const client = await KafkaClient.connect({
      bootstrap: [host.includes(':') ? `[${host}]:${target.port}` : `${host}:${target.port}`],
      clientId: 'gregor-http',
      requestTimeoutMs: 15_000,
      retries: 2,
      security: security.tls || security.sasl ? security : undefined,
    });
    let producer: Promise<Producer> | undefined;
    return {
      client,
      admin: new Admin(client, { timeoutMs: 15_000 }),
      user: creds?.username ?? 'ANONYMOUS',
      lastUsed: this.now(),
      producer: () => (producer ??= Promise.resolve(new Producer(client, { acks: -1, lingerMs: 0, allowAutoTopicCreation: false }))),
      close: async () => {
        if (producer) await (await producer).close().catch(() => undefined);
        client.close();
      },
    };
  }

  private async closeIdle(): Promise<void> {
    const cutoff = this.now() - this.idleMs;
    for (const [key, pending] of this.sessions) {
      const s = await pending.catch(() => undefined);
      if (s && s.lastUsed < cutoff) {
        this.sessions.delete(key);
        await s.close();
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const p of all) await (await p.catch(() => undefined))?.close();
  }
}
