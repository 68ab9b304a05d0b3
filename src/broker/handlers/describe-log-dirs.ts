/**
 * DescribeLogDirs (key 35), v0-v4 (v0 is deprecated in Kafka 4 and still served): for each data
 * directory (log.dirs), its absolute path and the partitions stored there with their size in
 * bytes, offset lag (how far the log end is behind the high watermark: 0 on a leader) and
 * isFutureKey (always false: Gregor does not move replicas between directories). A null topic list
 * means every partition; otherwise only the partitions named. v3 adds a top-level error code, v4
 * each directory's total and usable bytes, read from the file system (-1 when it cannot be read).
 *
 * The file-system query (statfs) is made here rather than through storage: it reads no data and
 * storage's FileSystem interface has no call for it.
 */
import { statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type {
  DescribeLogDirsResponse,
  DescribeLogDirsResponseDescribeLogDirsResult as DirOut,
  DescribeLogDirsResponseDescribeLogDirsTopic as TopicOut,
} from '../../protocol/generated/messages/DescribeLogDirsResponse.js';
import { defineHandler } from './api-handler.js';

const LONG_MAX = 9223372036854775807n;

/** Total and usable bytes of the file system holding `dir`, or -1 each when unknown. */
function diskSpace(dir: string): { total: bigint; usable: bigint } {
  try {
    const s = statfsSync(dir, { bigint: true });
    const clamp = (n: bigint): bigint => (n < 0n ? LONG_MAX : n);
    return { total: clamp(s.bsize * s.blocks), usable: clamp(s.bsize * s.bavail) };
  } catch {
    return { total: -1n, usable: -1n };
  }
}

export const describeLogDirsHandler = defineHandler({
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx): DescribeLogDirsResponse {
    const { config, logs } = ctx.services;
    const v = ctx.apiVersion;
    const wanted = request.topics === null
      ? undefined
      : new Set(request.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}\u0000${p}`)));
    const all = logs.all();
    const results: DirOut[] = config.logDirs().map((dir) => {
      const byTopic = new Map<string, TopicOut>();
      for (const m of all) {
        if (m.dataDir !== dir) continue;
        if (wanted && !wanted.has(`${m.topic}\u0000${m.partition}`)) continue;
        let t = byTopic.get(m.topic);
        if (!t) byTopic.set(m.topic, (t = { name: m.topic, partitions: [] }));
        t.partitions.push({
          partitionIndex: m.partition,
          partitionSize: BigInt(m.log.sizeInBytes),
          offsetLag: BigInt(Math.max(m.log.highWatermark - m.log.logEndOffset, 0)),
          isFutureKey: false,
        });
      }
      for (const t of byTopic.values()) t.partitions.sort((a, b) => a.partitionIndex - b.partitionIndex);
      const out: DirOut = { errorCode: ErrorCode.NONE, logDir: resolve(dir), topics: [...byTopic.values()] };
      if (v >= 4) {
        const space = diskSpace(dir);
        out.totalBytes = space.total;
        out.usableBytes = space.usable;
      }
      return out;
    });
    const response: DescribeLogDirsResponse = { throttleTimeMs: 0, results };
    if (v >= 3) response.errorCode = ErrorCode.NONE;
    return response;
  },
});
