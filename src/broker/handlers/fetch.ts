/**
 * Fetch (key 1), v0-v16, for consumers; fetches by followers (a replica id) are served by
 * fetch/replica-fetch.ts. From v11 consumers may fetch from followers, and a leader may name a
 * preferred read replica in the consumer's rack (KIP-392; see fetch/fetch-reader.ts). Partitions are chosen through the fetch session (see
 * fetch-context.ts) and read by fetch-reader.ts. When fewer than min bytes are available and
 * max wait allows, the request waits until an append to one of its partitions or the deadline,
 * then reads again (long polling).
 *
 * An incremental session response lists only partitions with something new to say: records,
 * an error, a preferred read replica, or a changed high watermark, last stable offset or log
 * start offset.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { FetchResponse, FetchResponseFetchableTopicResponse as TopicOut } from '../../protocol/generated/messages/FetchResponse.js';
import { resolveFetchContext, type FetchContext } from '../fetch/fetch-context.js';
import { readPartitions, type PartitionRead } from '../fetch/fetch-reader.js';
import { fetchingReplica, serveReplicaFetch } from '../fetch/replica-fetch.js';
import { waitForData } from '../fetch/wait-for-data.js';
import type { Partition } from '../replica/partition.js';
import { defineHandler, onceWritten, type RequestContext } from './api-handler.js';

function changed(r: PartitionRead): boolean {
  const e = r.wanted.entry;
  if (!e) return true;
  const d = r.data;
  return r.bytes > 0 || d.errorCode !== ErrorCode.NONE || (d.preferredReadReplica ?? -1) >= 0 || Number(d.highWatermark) !== e.sentHighWatermark ||
    Number(d.logStartOffset) !== e.sentLogStartOffset || Number(d.lastStableOffset) !== e.sentLastStableOffset;
}

function remember(reads: PartitionRead[]): void {
  for (const r of reads) {
    const e = r.wanted.entry;
    if (!e) continue;
    e.sentHighWatermark = Number(r.data.highWatermark);
    e.sentLogStartOffset = Number(r.data.logStartOffset);
    e.sentLastStableOffset = Number(r.data.lastStableOffset);
  }
}

function group(reads: PartitionRead[], version: number): TopicOut[] {
  const out: TopicOut[] = [];
  let current: TopicOut | undefined;
  let currentKey: string | undefined;
  for (const r of reads) {
    const key = version >= 13 ? r.wanted.topicId : (r.wanted.topic ?? '');
    if (!current || key !== currentKey) {
      current = { topic: r.wanted.topic ?? '', topicId: r.wanted.topicId || 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [] };
      currentKey = key;
      out.push(current);
    }
    current.partitions.push(r.data);
  }
  return out;
}

function read(ctx: RequestContext, fc: FetchContext, maxBytes: number, readCommitted: boolean, clientRack: string, allocate: (length: number) => Buffer): Promise<PartitionRead[]> {
  return readPartitions(ctx.services, fc.wanted, { version: ctx.apiVersion, maxBytes, readCommitted, clientRack, allocate });
}

export const fetchHandler = defineHandler({
  apiKey: ApiKey.Fetch,
  minVersion: 0,
  maxVersion: 16,
  async handle(request, ctx) {
    const v = ctx.apiVersion;
    const replicaId = fetchingReplica(request, v);
    if (replicaId >= 0) return serveReplicaFetch(request, v, replicaId, ctx.services);
    const fc = resolveFetchContext(request, v, ctx.services);
    if (fc.errorCode !== ErrorCode.NONE) {
      return { throttleTimeMs: 0, errorCode: fc.errorCode, sessionId: 0, responses: [] } satisfies FetchResponse;
    }
    const cap = ctx.services.config.int('fetch.max.bytes');
    const maxBytes = Math.min(v >= 3 ? (request.maxBytes ?? cap) : cap, cap);
    const readCommitted = v >= 4 && request.isolationLevel === 1;
    const clientRack = v >= 11 ? (request.rackId ?? '') : '';
    // record bytes are read into pooled buffers, given back once the response is on the socket
    const pool = ctx.services.readBuffers;
    const acquired: Buffer[] = [];
    const allocate = (length: number): Buffer => {
      const b = pool.acquire(length);
      acquired.push(b);
      return b;
    };
    const deadline = ctx.services.clock.now() + Math.max(0, request.maxWaitMs);
    let reads = await read(ctx, fc, maxBytes, readCommitted, clientRack, allocate);
    for (;;) {
      const bytes = reads.reduce((n, r) => n + r.bytes, 0);
      // an error or a redirection to another replica is answered at once, as Kafka does
      const answerNow = reads.some((r) => r.data.errorCode !== ErrorCode.NONE || (r.data.preferredReadReplica ?? -1) >= 0);
      const remaining = deadline - ctx.services.clock.now();
      if (bytes >= request.minBytes || answerNow || remaining <= 0 || fc.wanted.length === 0) break;
      const partitions = reads.map((r) => r.partition).filter((p): p is Partition => p !== undefined);
      await waitForData(partitions, remaining, ctx.services.clock);
      reads = await read(ctx, fc, maxBytes, readCommitted, clientRack, allocate);
    }
    const shown = fc.incremental ? reads.filter(changed) : reads;
    remember(reads);
    const response: FetchResponse = { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: fc.sessionId, responses: group(shown, v) };
    if (acquired.length > 0) onceWritten(response, () => { for (const b of acquired) pool.release(b); });
    return response;
  },
});
