/**
 * Admin log-directory queries: the size on disk of each partition replica, asked of every broker
 * with DescribeLogDirs (all topics).
 *
 * Contract: stateless functions over the AdminContext; the Admin class delegates to them.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { call, check } from './requests.js';
import type { AdminContext } from './admin-helpers.js';

export interface ReplicaLogDir {
  broker: number;
  logDir: string;
  topic: string;
  partition: number;
  /** Bytes of the replica's log on disk. */
  size: number;
  /** How far a future replica lags (0 when there is none). */
  offsetLag: number;
}

/** Every replica's log on the given brokers (all brokers of the metadata when omitted). */
export async function describeLogDirs(ctx: AdminContext, brokers?: readonly number[]): Promise<ReplicaLogDir[]> {
  const ids = brokers ?? [...(await ctx.client.withRetries(() => ctx.client.refreshMetadata([]))).brokers.keys()];
  const out: ReplicaLogDir[] = [];
  for (const broker of ids) {
    const { response } = await ctx.client.withRetries(() => call(ctx.client, broker, ApiKey.DescribeLogDirs, 4, () => ({ topics: null })));
    check(response.errorCode ?? 0, `describe log dirs of broker ${broker}`);
    for (const dir of response.results) {
      check(dir.errorCode, `log dir ${dir.logDir} of broker ${broker}`);
      for (const t of dir.topics) {
        for (const p of t.partitions) {
          out.push({ broker, logDir: dir.logDir, topic: t.name, partition: p.partitionIndex, size: Number(p.partitionSize), offsetLag: Number(p.offsetLag) });
        }
      }
    }
  }
  return out;
}
