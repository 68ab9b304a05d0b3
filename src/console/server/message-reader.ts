/**
 * Reads records of some partitions of one topic for the message browser: from given positions up
 * to the high watermarks seen when the read began, keeping those the filter matches, until
 * `limit` records match (at most `perPartition` from one partition), `maxScan` records were looked
 * at, or the time budget is spent, whichever comes first. It answers the positions to continue from, so the browser can page and tail.
 * Tailing (positions at the end) waits up to `waitMs` for new records.
 *
 * Reads are Fetch requests to each partition's leader through the caller's client; nothing is
 * read from the log files directly.
 *
 * Contract: one call per HTTP request; stateless.
 */
import { ClientError } from '../../client/client-error.js';
import { Fetcher, READ_UNCOMMITTED, type FetchTarget } from '../../client/consumer/fetcher.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { jsonOfText, matches, type JsonOf, type MessageFilter } from '../../query/record-filter.js';
import { recordView, type RecordView } from './record-view.js';
import type { ClientSession } from '../../http/client-sessions.js';

export interface ReadRequest {
  topic: string;
  /** partition → offset to read from. */
  from: Map<number, number>;
  /** partition → offset to stop before (the high watermark when the read began). */
  to: Map<number, number>;
  /** partition → earliest offset (where an out-of-range position restarts). */
  low: Map<number, number>;
  filter: MessageFilter;
  limit: number;
  /** At most this many matching records from any one partition (default: limit). */
  perPartition?: number;
  maxScan: number;
  budgetMs: number;
  /** How long to wait for new records when every position is at its end (0: do not wait). */
  waitMs: number;
  /** Values as JSON, for predicates and display (decoded through the schema registry when it serves). */
  jsonOf?: JsonOf;
}

export interface ReadResult {
  records: RecordView[];
  /** partition → where the next read continues. */
  next: Record<number, number>;
  scanned: number;
  /** true when every partition was read to its end. */
  reachedEnd: boolean;
}

export async function readRecords(session: ClientSession, r: ReadRequest): Promise<ReadResult> {
  const pos = new Map(r.from);
  const records: RecordView[] = [];
  let scanned = 0;
  const deadline = Date.now() + r.budgetMs;
  const perPartition = r.perPartition ?? r.limit;
  const taken = new Map<number, number>();
  const full = (p: number) => (taken.get(p) ?? 0) >= perPartition;
  const pending = () => [...pos].filter(([p, o]) => o < (r.to.get(p) ?? 0) && !full(p)).map(([p]) => p);
  const tailing = r.waitMs > 0 && pending().length === 0;
  while (records.length < r.limit && scanned < r.maxScan && Date.now() < deadline) {
    const partitions = tailing ? [...pos.keys()] : pending();
    if (partitions.length === 0) break;
    const fetcher = new Fetcher(session.client, {
      minBytes: 1, maxBytes: 4 * 1024 * 1024, maxPartitionBytes: 1024 * 1024, isolationLevel: READ_UNCOMMITTED, checkCrcs: true,
      maxWaitMs: tailing ? r.waitMs : 0,
    });
    let progressed = false;
    for (const [leader, parts] of await byLeader(session, r.topic, partitions)) {
      const targets: FetchTarget[] = parts.map((p) => ({ topic: r.topic, partition: p, offset: BigInt(pos.get(p)!) }));
      for (const res of await fetcher.fetch(leader, targets)) {
        if (res.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          pos.set(res.partition, r.low.get(res.partition) ?? 0);
          continue;
        }
        if (res.errorCode !== ErrorCode.NONE) throw ClientError.kafka(res.errorCode, `read ${r.topic}-${res.partition}`);
        if (res.error) throw res.error;
        let at = Number(res.fetchOffset);
        let stopped = false;
        for (const { offset, record } of res.records) {
          if (!tailing && Number(offset) >= (r.to.get(res.partition) ?? 0)) break;
          if (records.length >= r.limit || scanned >= r.maxScan || full(res.partition)) {
            stopped = true;
            break;
          }
          scanned++;
          at = Number(offset) + 1;
          if (matches(r.filter, record, r.jsonOf ?? jsonOfText)) {
            records.push(recordView(record, offset, r.jsonOf));
            taken.set(res.partition, (taken.get(res.partition) ?? 0) + 1);
          }
        }
        if (!stopped) at = Math.max(at, Number(res.nextOffset));
        if (!tailing) at = Math.min(at, Math.max(r.to.get(res.partition) ?? 0, Number(res.fetchOffset)));
        if (at > Number(res.fetchOffset)) progressed = true;
        pos.set(res.partition, at);
      }
    }
    if (tailing || !progressed) break;
  }
  const reachedEnd = [...pos].every(([p, o]) => o >= (r.to.get(p) ?? 0));
  return { records, next: Object.fromEntries(pos), scanned, reachedEnd };
}

async function byLeader(session: ClientSession, topic: string, partitions: readonly number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  for (const p of partitions) {
    const leader = await session.client.withRetries(() => session.client.leaderOf(topic, p));
    out.set(leader, [...(out.get(leader) ?? []), p]);
  }
  return out;
}
