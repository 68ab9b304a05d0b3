/**
 * BrokerConnection: one TCP connection to one broker. Requests are pipelined: each gets the next
 * correlation id and its response is matched by id. At connect it asks ApiVersions and from then
 * on uses, per API, the highest version both sides support (so it talks to Apache Kafka as well
 * as Gregor). With `security`, the connection is made with TLS and/or authenticated with SASL
 * (SaslHandshake v1, then SaslAuthenticate tokens) before any other request.
 *
 * Contract: owned by a KafkaClient; requests may be issued concurrently; a failed connection
 * rejects everything in flight with DISCONNECTED and must be replaced. A request that times out
 * fails the connection too (it is closed), as Kafka's clients do.
 */
import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { saslClient } from '../protocol/sasl/sasl-client.js';
import type { ClientSecurity } from './client-security.js';
import { FrameSplitter } from '../protocol/framing/frame-splitter.js';
import { decodeResponseFrame, encodeRequestFrame, peekCorrelationId } from '../protocol/framing/messages.js';
import { API_DEFINITIONS, ApiKey, type ApiMessages } from '../protocol/generated/api-registry.js';
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { ClientError } from './client-error.js';

interface Pending {
  apiKey: number;
  version: number;
  resolve(body: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  security?: ClientSecurity;
}

export class BrokerConnection {
  private readonly pending = new Map<number, Pending>();
  private nextCorrelationId = 1;
  private readonly splitter = new FrameSplitter(512 * 1024 * 1024);
  private versions = new Map<number, { min: number; max: number }>();
  private failure: Error | undefined;

  private constructor(
    private readonly socket: Socket,
    readonly options: ConnectionOptions,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new ClientError('DISCONNECTED', `${this.address}: ${err.message}`)));
    socket.on('close', () => this.fail(new ClientError('DISCONNECTED', `${this.address}: connection closed`)));
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  get isOpen(): boolean {
    return this.failure === undefined;
  }

  /** Connects and negotiates API versions. */
  static async open(options: ConnectionOptions): Promise<BrokerConnection> {
    const tlsOptions = options.security?.tls;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = tlsOptions
        ? tlsConnect({ host: options.host, port: options.port, servername: isIP(options.host) ? undefined : options.host, ...tlsOptions })
        : connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new ClientError('CONNECT', `cannot reach ${options.host}:${options.port}: timed out`));
      }, options.connectTimeoutMs);
      s.once(tlsOptions ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(new ClientError('CONNECT', `cannot reach ${options.host}:${options.port}: ${err.message}`));
      });
    });
    const conn = new BrokerConnection(socket, options);
    try {
      await conn.negotiateVersions().catch((e: unknown) => {
        // reached, but hung up on ApiVersions: a TLS or SASL listener spoken to without its protocol
        if (e instanceof ClientError && e.code === 'DISCONNECTED') {
          throw new ClientError('CONNECT', `${conn.address} closed the connection before answering ApiVersions: the listener may need TLS or SASL (security.protocol${options.security ? '' : ', e.g. in --command-config'})`);
        }
        throw e;
      });
      if (options.security?.sasl) await conn.authenticate(options.security.sasl);
    } catch (e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  /** SASL: SaslHandshake v1, then SaslAuthenticate until the mechanism's exchange is complete. */
  private async authenticate(sasl: NonNullable<ClientSecurity['sasl']>): Promise<void> {
    const hs = await this.send(ApiKey.SaslHandshake, 1, { mechanism: sasl.mechanism });
    if (hs.errorCode !== ErrorCode.NONE) {
      throw new ClientError('AUTHENTICATION', `${this.address}: SASL mechanism ${sasl.mechanism} refused (the broker offers ${hs.mechanisms.join(', ') || 'none'})`);
    }
    const client = saslClient(sasl.mechanism, sasl.username, sasl.password);
    const version = this.version(ApiKey.SaslAuthenticate, 2) ?? 0;
    let token: Buffer | undefined = client.start();
    for (let round = 0; token !== undefined && round < 10; round++) {
      const r = await this.send(ApiKey.SaslAuthenticate, version, { authBytes: token });
      if (r.errorCode !== ErrorCode.NONE) throw new ClientError('AUTHENTICATION', `${this.address}: ${r.errorMessage ?? 'SASL authentication failed'}`);
      try {
        token = client.step(r.authBytes);
      } catch (e) {
        throw new ClientError('AUTHENTICATION', `${this.address}: ${(e as Error).message}`);
      }
    }
  }

  private async negotiateVersions(): Promise<void> {
    this.versions.set(ApiKey.ApiVersions, { min: 0, max: 3 });
    let res = await this.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'gregor', clientSoftwareVersion: '0.1.0' });
    if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION) res = await this.send(ApiKey.ApiVersions, 0, {});
    if (res.errorCode !== ErrorCode.NONE) throw ClientError.kafka(res.errorCode, `${this.address} ApiVersions`);
    this.versions = new Map();
    for (const k of res.apiKeys) {
      const def = API_DEFINITIONS.get(k.apiKey);
      if (!def) continue;
      const min = Math.max(k.minVersion, def.minVersion);
      const max = Math.min(k.maxVersion, def.maxVersion);
      if (min <= max) this.versions.set(k.apiKey, { min, max });
    }
  }

  /** The highest version of an API both sides support (capped at `cap`), or undefined. */
  version(apiKey: number, cap = Infinity): number | undefined {
    const v = this.versions.get(apiKey);
    if (!v) return undefined;
    const chosen = Math.min(v.max, cap);
    return chosen >= v.min ? chosen : undefined;
  }

  /** Sends a request at the best common version (or `version`) and resolves to its response. */
  request<K extends keyof ApiMessages>(apiKey: K, body: ApiMessages[K]['request'], version?: number): Promise<ApiMessages[K]['response']> {
    const v = version ?? this.version(apiKey);
    if (v === undefined) {
      return Promise.reject(new ClientError('UNSUPPORTED', `${this.address} supports no version of ${API_DEFINITIONS.get(apiKey)?.name}`));
    }
    return this.send(apiKey, v, body);
  }

  /** Sends a request that gets no response (Produce with acks=0). */
  sendOneWay<K extends keyof ApiMessages>(apiKey: K, body: ApiMessages[K]['request'], version: number): void {
    const id = this.nextCorrelationId++;
    for (const c of encodeRequestFrame(apiKey, version, id, this.options.clientId, body)) this.socket.write(c);
  }

  private send<K extends keyof ApiMessages>(apiKey: K, version: number, body: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextCorrelationId++;
    if (this.nextCorrelationId > 0x7fffffff) this.nextCorrelationId = 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // as Kafka's clients do: a connection that let a request time out is not trusted again
        // (its answers may never come, or come late); everything on it fails and it is closed
        this.pending.delete(id);
        reject(new ClientError('TIMEOUT', `${this.address}: no response to ${API_DEFINITIONS.get(apiKey)?.name} within ${this.options.requestTimeoutMs} ms`));
        this.fail(new ClientError('DISCONNECTED', `${this.address}: closed after a request timed out`));
        this.socket.destroy();
      }, this.options.requestTimeoutMs);
      this.pending.set(id, { apiKey, version, resolve: resolve as (b: unknown) => void, reject, timer });
      const chunks = encodeRequestFrame(apiKey, version, id, this.options.clientId, body);
      this.socket.cork();
      for (const c of chunks) this.socket.write(c);
      this.socket.uncork();
    });
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (e) {
      this.fail(new ClientError('DISCONNECTED', `${this.address}: ${(e as Error).message}`));
      this.socket.destroy();
      return;
    }
    for (const frame of frames) {
      const id = peekCorrelationId(frame);
      const p = this.pending.get(id);
      if (!p) continue;
      this.pending.delete(id);
      clearTimeout(p.timer);
      try {
        p.resolve(decodeResponseFrame(p.apiKey, p.version, frame).body);
      } catch (e) {
        p.reject(e as Error);
      }
    }
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  close(): void {
    this.fail(new ClientError('DISCONNECTED', `${this.address}: closed by the client`));
    this.socket.destroy();
  }
}
