/**
 * Connection: one client socket. Cuts the stream into frames, decodes each request, runs its
 * handler, and writes responses in request order while later requests keep being processed
 * (pipelining). Owns its socket, its frame splitter and its response queue.
 *
 * Misbehaviour closes this connection only, with a log line: a frame above
 * socket.request.max.bytes, bytes that do not decode, an API key no handler serves, or a version
 * outside the handler's range (except ApiVersions, which answers version 0 with
 * UNSUPPORTED_VERSION and the supported ranges, as Kafka does).
 *
 * Backpressure: reading pauses while queued.max.requests requests await their responses, while
 * the requests awaiting them hold more than MAX_QUEUED_REQUEST_BYTES (produced records wait in
 * memory until written, and librdkafka allows a million requests in flight), or while the
 * socket's write buffer is full, and resumes when they drain. Fetches, whose responses can be
 * large and whose reads run off the event loop, are started one at a time per connection and not
 * while the socket's write buffer is full, so a client pipelining fetches without reading their
 * answers cannot make the broker read and hold them all.
 */
import type { Socket } from 'node:net';
import { DecodeError, EncodeError } from '../../protocol/wire/decode-error.js';
import { FrameSplitter, FrameTooLargeError } from '../../protocol/framing/frame-splitter.js';
import { decodeRequestBody, decodeRequestFrameHeader, encodeResponseFrame } from '../../protocol/framing/messages.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { Logger } from '../../common/logger.js';
import { NO_RESPONSE, onceWritten, takeOnceWritten, type ClientInfo, type RequestContext } from '../handlers/api-handler.js';
import type { ApiMessages } from '../../protocol/generated/api-registry.js';
import { accessFor, type Decision } from '../security/acl/request-authorization.js';
import { AUTHORIZATION_RULES } from '../security/acl/rules/index.js';
import { applyQuotas, mutationsOf, type RequestCost } from '../quota/request-quotas.js';
import { recordTraffic } from '../metrics/request-traffic.js';
import type { FetchRequest } from '../../protocol/generated/messages/FetchRequest.js';
import type { BrokerServices } from '../services.js';
import type { ConnectionSession } from '../security/connection-session.js';

/** A Fetch from a follower replica (a replica id; v15 moved it into ReplicaState). */
function isReplicaFetch(version: number, request: unknown): boolean {
  const r = request as FetchRequest;
  return ((version >= 15 ? r.replicaState?.replicaId : r.replicaId) ?? -1) >= 0;
}

/** API versions whose responses have no throttle_time_ms field (found by encoding). */
const NO_THROTTLE_FIELD = new Set<string>();

/** `next` replaces `previous` as the response: what must run once it is written moves with it. */
function carryOnceWritten(previous: unknown, next: unknown): unknown {
  if (next === previous) return next;
  const written = takeOnceWritten(previous);
  if (written) onceWritten(next as object, written);
  return next;
}

function sizePrefixed(token: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + token.length);
  out.writeInt32BE(token.length, 0);
  token.copy(out, 4);
  return out;
}

/** Bytes of requests one connection may have awaiting responses before reading pauses. */
const MAX_QUEUED_REQUEST_BYTES = 4 << 20;

interface Slot {
  /** The request's size on the wire. */
  bytes: number;
  /** A raw SASL token to write as it is, size-prefixed (SaslHandshake v0 exchanges), instead of a response. */
  raw?: Buffer;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  done: boolean;
  response: unknown;
  /** How long the client is throttled by its quotas (the response says so; reading stops that long). */
  throttleMs?: number;
  /** performance.now() when the request arrived (request latency metrics). */
  arrivedAt?: number;
}

export class Connection {
  private readonly splitter: FrameSplitter;
  private readonly queue: Slot[] = [];
  private closed = false;
  private writeBlocked = false;
  private queuedBytes = 0;
  private fetchRunning = false;
  /** Reading stays paused until then (epoch ms): the client is throttled by a quota. */
  private mutedUntil = 0;
  private readonly fetchesWaiting: (() => void)[] = [];
  private readonly log: Logger;
  private readonly maxRequestBytes: number;

  constructor(
    private readonly socket: Socket,
    private readonly services: BrokerServices,
    readonly client: ClientInfo,
    readonly session: ConnectionSession,
    private readonly maxQueued: number,
    private readonly onClosed: (c: Connection) => void,
  ) {
    this.maxRequestBytes = services.config.int('socket.request.max.bytes');
    this.splitter = new FrameSplitter(session.maxFrameBytes(this.maxRequestBytes));
    this.log = services.logger.child({ connection: client.connectionId, client: `${client.address}:${client.port}` });
    socket.setNoDelay(true);
    const idle = services.config.int('connections.max.idle.ms');
    if (idle > 0) socket.setTimeout(idle, () => this.close('idle for connections.max.idle.ms'));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.updateReading();
      this.startFetch();
    });
    socket.on('error', (err) => this.log.debug({ err }, 'socket error'));
    // The client closed its sending side (FIN): it sends nothing more, but still reads. Requests it
    // sent before are answered, then the connection ends, as Kafka does; ending at once would
    // drop those responses and make clients resend what was already appended.
    socket.on('end', () => {
      this.stopReading();
      void this.endWhenIdle();
    });
    socket.on('close', () => {
      this.closed = true;
      this.onClosed(this);
    });
  }

  get pendingRequests(): number {
    return this.queue.length;
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    this.splitter.maxFrameBytes = this.session.maxFrameBytes(this.maxRequestBytes);
    try {
      frames = this.splitter.push(chunk);
    } catch (e) {
      if (e instanceof FrameTooLargeError) {
        return this.close(`request rejected: ${e.message} (${this.session.authenticated ? 'socket.request.max.bytes' : 'sasl.server.max.receive.size before authentication'})`);
      }
      throw e;
    }
    for (const frame of frames) {
      if (this.closed) return;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    if (this.session.expectsRawToken) return this.onRawToken(frame);
    let decoded;
    try {
      decoded = decodeRequestFrameHeader(frame);
    } catch (e) {
      return this.close(`malformed request header: ${(e as Error).message}`);
    }
    const { header, body } = decoded;
    const refused = this.session.admit(header.requestApiKey);
    if (refused) return this.close(refused);
    const handler = this.services.handlers.get(header.requestApiKey);
    if (!handler) return this.close(`unsupported API key ${header.requestApiKey}`);
    const v = header.requestApiVersion;
    if (v < handler.minVersion || v > handler.maxVersion) {
      if (header.requestApiKey === ApiKey.ApiVersions) return this.enqueueDone(header.requestApiKey, 0, header.correlationId, this.unsupportedApiVersions());
      return this.close(`unsupported version ${v} of API key ${header.requestApiKey}`);
    }
    let request: unknown;
    try {
      request = decodeRequestBody(header.requestApiKey, v, body);
    } catch (e) {
      if (e instanceof DecodeError) return this.close(`malformed request (API key ${header.requestApiKey} v${v}): ${e.message}`);
      throw e;
    }
    let complete: ((response: never) => unknown) | undefined;
    if (this.services.authorizer.enabled) {
      const decision = this.authorize(header.requestApiKey, v, request);
      if (decision === undefined) return this.close(`no authorization rule for API key ${header.requestApiKey}`);
      if ('refuse' in decision) return this.enqueueDone(header.requestApiKey, v, header.correlationId, decision.refuse, frame.length);
      request = decision.request;
      complete = decision.complete as ((response: never) => unknown) | undefined;
    }
    const slot: Slot = { bytes: frame.length, apiKey: header.requestApiKey, apiVersion: v, correlationId: header.correlationId, done: false, response: undefined, arrivedAt: performance.now() };
    this.queue.push(slot);
    this.queuedBytes += slot.bytes;
    this.updateReading();
    const served = request;
    const ctx: RequestContext = { services: this.services, header, apiVersion: v, client: this.client, session: this.session };
    const cost = this.services.quotas.active ? this.costOf(header.requestApiKey, v, header.clientId ?? '', frame.length, request) : undefined;
    const start = (): void => this.run(slot, () => handler.handle(served as never, ctx), complete, cost, served);
    if (header.requestApiKey !== ApiKey.Fetch) return start();
    this.fetchesWaiting.push(start);
    this.startFetch();
  }

  /** The authorization step (security/acl/request-authorization.ts): undefined when the API has no rule. */
  private authorize(apiKey: number, version: number, request: unknown): Decision<keyof ApiMessages> | undefined {
    const rule = AUTHORIZATION_RULES.get(apiKey);
    if (!rule) return undefined;
    return rule.check(request as never, accessFor(this.services.authorizer, this.session.principal, this.client.address, this.services), version);
  }

  /** What a request costs against the client quotas, known before it runs (quota/request-quotas.ts). */
  private costOf(apiKey: number, version: number, clientId: string, requestBytes: number, request: unknown): RequestCost {
    const { metadata, config } = this.services;
    return {
      apiKey, version, user: this.session.principal.name, clientId, requestBytes, handlerMs: 0, fromReplica: apiKey === ApiKey.Fetch && isReplicaFetch(version, request),
      mutations: mutationsOf(apiKey, request, (t) => metadata.topic(t)?.partitions.length ?? 0, config.int('num.partitions')),
    };
  }

  private run(slot: Slot, handle: () => unknown, complete?: (response: never) => unknown, cost?: RequestCost, request?: unknown): void {
    let result;
    const started = cost ? performance.now() : 0;
    try {
      result = handle();
    } catch (e) {
      return this.failed(e, slot);
    }
    if (cost) cost.handlerMs = performance.now() - started;
    Promise.resolve(result).then(
      (handled) => {
        let response = handled;
        const { metrics, metadata } = this.services;
        metrics.request(slot.apiKey, slot.apiVersion, (performance.now() - (slot.arrivedAt ?? 0)) / 1000);
        if (slot.apiKey === ApiKey.Produce || (slot.apiKey === ApiKey.Fetch && !isReplicaFetch(slot.apiVersion, request))) {
          recordTraffic(metrics, slot.apiKey, request, handled === NO_RESPONSE ? undefined : handled, (id) => metadata.topicById(id)?.name);
        }
        if (complete && handled !== NO_RESPONSE) response = carryOnceWritten(handled, complete(handled as never));
        if (cost) {
          const q = applyQuotas(this.services.quotas, cost, response, this.services.clock.now());
          if (response !== NO_RESPONSE) response = carryOnceWritten(response, q.response);
          slot.throttleMs = q.throttleMs;
        }
        slot.done = true;
        slot.response = response;
        if (slot.apiKey === ApiKey.Fetch) this.fetchRunning = false;
        this.flush();
        this.startFetch();
      },
      (e: unknown) => this.failed(e, slot),
    );
  }

  /** A raw SASL token (after SaslHandshake v0): answered with a raw token, or the connection closes. */
  private onRawToken(token: Buffer): void {
    const slot: Slot = { bytes: token.length, apiKey: -1, apiVersion: 0, correlationId: 0, done: false, response: undefined };
    this.queue.push(slot);
    this.queuedBytes += slot.bytes;
    this.session.rawToken(token).then((outcome) => {
      if (outcome.close) this.session.closeReason = outcome.close;
      slot.done = true;
      slot.raw = outcome.reply;
      slot.response = outcome.reply ? undefined : NO_RESPONSE;
      this.flush();
    }, (e: unknown) => this.failed(e, slot));
  }

  /** Starts the next waiting fetch unless one runs or the socket cannot take more. */
  private startFetch(): void {
    if (this.fetchRunning || this.writeBlocked || this.closed) return;
    const next = this.fetchesWaiting.shift();
    if (!next) return;
    this.fetchRunning = true;
    next();
  }

  private unsupportedApiVersions(): unknown {
    return { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: this.services.handlers.supported(), throttleTimeMs: 0 };
  }

  private enqueueDone(apiKey: number, apiVersion: number, correlationId: number, response: unknown, bytes = 0): void {
    this.queue.push({ bytes, apiKey, apiVersion, correlationId, done: true, response });
    this.queuedBytes += bytes;
    this.flush();
  }

  private failed(e: unknown, slot: Slot): void {
    this.log.error({ err: e, apiKey: slot.apiKey, apiVersion: slot.apiVersion }, 'request handler failed; closing the connection');
    this.close('handler failure');
  }

  /** Writes every finished response at the head of the queue, in order. */
  private flush(): void {
    if (this.closed) return;
    let wrote = false;
    while (this.queue.length > 0 && this.queue[0]!.done) {
      const slot = this.queue.shift()!;
      this.queuedBytes -= slot.bytes;
      if (slot.throttleMs) this.muteFor(slot.throttleMs);
      if (slot.response === NO_RESPONSE) continue;
      let chunks: Buffer[];
      try {
        chunks = slot.raw ? [sizePrefixed(slot.raw)] : this.encode(slot);
      } catch (e) {
        if (e instanceof EncodeError) {
          this.log.error({ err: e, apiKey: slot.apiKey, apiVersion: slot.apiVersion }, 'response cannot be encoded; closing the connection');
          return this.close('encode failure');
        }
        throw e;
      }
      if (!wrote) this.socket.cork();
      wrote = true;
      const written = takeOnceWritten(slot.response);
      chunks.forEach((c, i) => {
        const done = written && i === chunks.length - 1 ? (): void => written() : undefined;
        if (!this.socket.write(c, done)) this.writeBlocked = true;
      });
    }
    if (wrote) process.nextTick(() => this.socket.uncork());
    if (this.session.closeReason !== undefined && this.queue.length === 0) return this.endAfterWrites(this.session.closeReason);
    this.updateReading();
  }

  /** Stops reading and ends the connection once what is written has gone (after a failed authentication). */
  private endAfterWrites(reason: string): void {
    if (this.closed) return;
    this.log.info({ reason }, 'closing connection');
    this.stopReading();
    this.closed = true;
    this.socket.end();
    // a client that never closes its side does not keep the socket
    setTimeout(() => this.socket.destroy(), 5000).unref();
  }

  /** The response frame; a throttled one carries its throttle time where its version has the field. */
  private encode(slot: Slot): Buffer[] {
    if (slot.throttleMs && !NO_THROTTLE_FIELD.has(`${slot.apiKey}:${slot.apiVersion}`)) {
      try {
        return encodeResponseFrame(slot.apiKey, slot.apiVersion, slot.correlationId, { ...(slot.response as object), throttleTimeMs: slot.throttleMs });
      } catch (e) {
        if (!(e instanceof EncodeError)) throw e;
        NO_THROTTLE_FIELD.add(`${slot.apiKey}:${slot.apiVersion}`);
      }
    }
    return encodeResponseFrame(slot.apiKey, slot.apiVersion, slot.correlationId, slot.response);
  }

  /** Stops reading for `ms` (a throttled client), as Kafka mutes the channel after the response. */
  private muteFor(ms: number): void {
    const until = this.services.clock.now() + ms;
    if (until <= this.mutedUntil) return;
    this.mutedUntil = until;
    this.scheduleUnmute(ms);
  }

  /**
   * Looks at reading again once the mute ends. A timer may fire a millisecond before the wall
   * clock reaches the end (timers and Date.now() are different clocks): it then waits the rest,
   * instead of leaving the connection paused for good.
   */
  private scheduleUnmute(ms: number): void {
    this.services.clock.schedule(ms, () => {
      const left = this.mutedUntil - this.services.clock.now();
      if (left > 0 && !this.closed) this.scheduleUnmute(left);
      else this.updateReading();
    });
  }

  private updateReading(): void {
    if (this.closed) return;
    const muted = this.mutedUntil > this.services.clock.now();
    const shouldPause = muted || this.writeBlocked || this.queue.length >= this.maxQueued || this.queuedBytes >= MAX_QUEUED_REQUEST_BYTES;
    if (shouldPause && !this.socket.isPaused()) this.socket.pause();
    else if (!shouldPause && this.socket.isPaused()) this.socket.resume();
  }

  /** Stops reading new requests (shutdown); responses already underway are still written. */
  stopReading(): void {
    this.socket.removeAllListeners('data');
    this.socket.pause();
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.log.info({ reason }, 'closing connection');
    this.socket.destroy();
  }

  /** Ends the connection gracefully once every queued response has been written. */
  endWhenIdle(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.closed || this.queue.length === 0) {
          if (!this.closed) this.socket.end();
          resolve();
        } else setTimeout(check, 5);
      };
      check();
    });
  }
}
