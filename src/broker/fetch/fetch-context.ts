/**
 * Resolving a Fetch request into the partitions to read, through its fetch session (KIP-227):
 *
 *   session id 0, epoch -1   sessionless full fetch (also every fetch before v7)
 *   session id 0, epoch 0    full fetch opening a new session
 *   session id N, epoch 0    full fetch: session N is closed and a new one opened
 *   session id N, epoch -1   session N is closed; this fetch is full and sessionless
 *   session id N, epoch E>0  incremental fetch: the request's partitions update the session,
 *                            forgotten ones leave it; E must be the session's next epoch
 *
 * An unknown session gets FETCH_SESSION_ID_NOT_FOUND, a wrong epoch INVALID_FETCH_SESSION_EPOCH.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { FetchRequest } from '../../protocol/generated/messages/FetchRequest.js';
import type { BrokerServices } from '../services.js';
import { FetchSession, type SessionPartition } from './fetch-session-cache.js';

export interface WantedPartition {
  /** Topic name, or undefined when the request's topic id is unknown. */
  topic: string | undefined;
  topicId: string;
  partition: number;
  fetchOffset: number;
  maxBytes: number;
  currentLeaderEpoch: number;
  entry: SessionPartition | undefined;
}

export interface FetchContext {
  errorCode: number;
  sessionId: number;
  incremental: boolean;
  session: FetchSession | undefined;
  wanted: WantedPartition[];
}

const FINAL_EPOCH = -1;

function topicKey(usesIds: boolean, name: string | undefined, id: string): string {
  return usesIds ? id : (name ?? '');
}

function fromRequest(request: FetchRequest, v: number, services: BrokerServices): WantedPartition[] {
  const out: WantedPartition[] = [];
  for (const t of request.topics) {
    const byId = v >= 13;
    const meta = byId ? services.metadata.topicById(t.topicId ?? '') : services.metadata.topic(t.topic ?? '');
    const name = byId ? meta?.name : t.topic;
    for (const p of t.partitions) {
      out.push({
        topic: name,
        topicId: byId ? (t.topicId ?? '') : (meta?.topicId ?? ''),
        partition: p.partition,
        fetchOffset: Number(p.fetchOffset),
        maxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
        entry: undefined,
      });
    }
  }
  return out;
}

function openSession(services: BrokerServices, usesIds: boolean, wanted: WantedPartition[]): FetchSession | undefined {
  const session = services.fetchSessions.create(usesIds);
  if (!session) return undefined;
  for (const w of wanted) {
    const entry: SessionPartition = {
      topic: w.topic ?? '', topicId: w.topicId, partition: w.partition, fetchOffset: w.fetchOffset, maxBytes: w.maxBytes,
      sentHighWatermark: -1, sentLogStartOffset: -1, sentLastStableOffset: -1,
    };
    session.partitions.set(FetchSession.key(topicKey(usesIds, w.topic, w.topicId), w.partition), entry);
    w.entry = entry;
  }
  return session;
}

export function resolveFetchContext(request: FetchRequest, v: number, services: BrokerServices): FetchContext {
  const wanted = fromRequest(request, v, services);
  const sessionId = v >= 7 ? (request.sessionId ?? 0) : 0;
  const epoch = v >= 7 ? (request.sessionEpoch ?? FINAL_EPOCH) : FINAL_EPOCH;
  const usesIds = v >= 13;
  const full = (session: FetchSession | undefined): FetchContext => ({
    errorCode: ErrorCode.NONE, sessionId: session?.id ?? 0, incremental: false, session, wanted,
  });
  if (epoch === FINAL_EPOCH) {
    if (sessionId !== 0) services.fetchSessions.remove(sessionId);
    return full(undefined);
  }
  if (epoch === 0) {
    if (sessionId !== 0) services.fetchSessions.remove(sessionId);
    return full(openSession(services, usesIds, wanted));
  }
  const session = sessionId === 0 ? undefined : services.fetchSessions.get(sessionId);
  const failed = (errorCode: number): FetchContext => ({ errorCode, sessionId: 0, incremental: false, session: undefined, wanted: [] });
  if (!session) return failed(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  if (epoch !== session.nextEpoch) return failed(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
  session.nextEpoch = session.nextEpoch >= 0x7fffffff ? 1 : session.nextEpoch + 1;
  for (const w of wanted) {
    const key = FetchSession.key(topicKey(usesIds, w.topic, w.topicId), w.partition);
    const entry = session.partitions.get(key);
    if (entry) {
      entry.fetchOffset = w.fetchOffset;
      entry.maxBytes = w.maxBytes;
    } else {
      session.partitions.set(key, {
        topic: w.topic ?? '', topicId: w.topicId, partition: w.partition, fetchOffset: w.fetchOffset, maxBytes: w.maxBytes,
        sentHighWatermark: -1, sentLogStartOffset: -1, sentLastStableOffset: -1,
      });
    }
  }
  for (const f of request.forgottenTopicsData ?? []) {
    const name = usesIds ? services.metadata.topicById(f.topicId ?? '')?.name : f.topic;
    for (const p of f.partitions ?? []) session.partitions.delete(FetchSession.key(topicKey(usesIds, name, f.topicId ?? ''), p));
  }
  const all: WantedPartition[] = [...session.partitions.values()].map((e) => ({
    topic: usesIds ? services.metadata.topicById(e.topicId)?.name : e.topic,
    topicId: e.topicId,
    partition: e.partition,
    fetchOffset: e.fetchOffset,
    maxBytes: e.maxBytes,
    currentLeaderEpoch: wanted.find((w) => w.topicId === e.topicId && w.partition === e.partition)?.currentLeaderEpoch ?? -1,
    entry: e,
  }));
  return { errorCode: ErrorCode.NONE, sessionId: session.id, incremental: true, session, wanted: all };
}
