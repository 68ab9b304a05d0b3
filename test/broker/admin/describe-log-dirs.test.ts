/**
 * DescribeLogDirs (kafkajs lacks it, so raw requests) against real brokers: the data directories
 * with their partitions and sizes, the topic filter, v4's disk space, and two data directories.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiKey } from '../../../src/protocol/generated/api-registry.js';
import { ErrorCode } from '../../../src/protocol/generated/error-codes.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { makeBatch } from '../../support/batches.js';
import { rawClient } from './clients.js';
import type { RawClient } from './raw-client.js';

let tb: TestBroker;
let raw: RawClient;

async function create(client: RawClient, name: string, partitions: number): Promise<void> {
  const r = await client.send(ApiKey.CreateTopics, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
  });
  assert.equal(r.topics[0]!.errorCode, ErrorCode.NONE);
}

before(async () => {
  tb = await startTestBroker();
  raw = await rawClient(tb);
  await create(raw, 'logs-a', 2);
  await create(raw, 'logs-b', 1);
  // Data in one partition so that sizes differ (in-process: this test is about DescribeLogDirs).
  tb.broker.services.replicas.get('logs-a', 0)!.append(makeBatch({ count: 5, valueSize: 100 }));
});

after(async () => {
  raw.close();
  await tb.stop();
});

test('v4 with a null topic list: the directory, every partition with its size, and the disk space', async () => {
  const r = await raw.send(ApiKey.DescribeLogDirs, 4, { topics: null });
  assert.equal(r.errorCode, ErrorCode.NONE);
  assert.equal(r.results.length, 1);
  const dir = r.results[0]!;
  assert.equal(dir.errorCode, ErrorCode.NONE);
  assert.equal(dir.logDir, resolve(tb.dataDir));
  const topics = new Map(dir.topics.map((t) => [t.name, t.partitions]));
  assert.deepEqual([...topics.keys()].sort(), ['logs-a', 'logs-b']);
  const a = topics.get('logs-a')!;
  assert.deepEqual(a.map((p) => p.partitionIndex), [0, 1]);
  assert.equal(a[0]!.partitionSize, BigInt(tb.broker.services.replicas.get('logs-a', 0)!.log.sizeInBytes));
  assert.ok(a[0]!.partitionSize > 500n, 'five records of 100 bytes');
  assert.equal(a[1]!.partitionSize, 0n);
  for (const p of a) {
    assert.equal(p.offsetLag, 0n);
    assert.equal(p.isFutureKey, false);
  }
  assert.ok(dir.totalBytes! > 0n, 'total bytes of the file system');
  assert.ok(dir.usableBytes! >= 0n && dir.usableBytes! <= dir.totalBytes!);
});

test('a topic list selects partitions; unknown ones are left out', async () => {
  const r = await raw.send(ApiKey.DescribeLogDirs, 2, { topics: [{ topic: 'logs-a', partitions: [1, 9] }, { topic: 'nowhere', partitions: [0] }] });
  assert.deepEqual(r.results[0]!.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]), [['logs-a', [1]]]);
  const none = await raw.send(ApiKey.DescribeLogDirs, 3, { topics: [] });
  assert.equal(none.errorCode, ErrorCode.NONE);
  assert.deepEqual(none.results[0]!.topics, []);
});

test('v0 and v1 carry no disk space (decoded as -1)', async () => {
  for (const v of [0, 1]) {
    const r = await raw.send(ApiKey.DescribeLogDirs, v, { topics: null });
    assert.equal(r.results[0]!.totalBytes, -1n);
    assert.equal(r.results[0]!.topics.length, 2);
  }
});

test('two data directories are described separately, each with the partitions it holds', async () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'gregor-logdir-a-')), mkdtempSync(join(tmpdir(), 'gregor-logdir-b-'))];
  const two = await startTestBroker({ 'log.dirs': dirs.join(',') });
  const c = await rawClient(two);
  try {
    await create(c, 'spread', 2);
    const r = await c.send(ApiKey.DescribeLogDirs, 4, { topics: null });
    assert.deepEqual(r.results.map((d) => d.logDir), dirs.map((d) => resolve(d)));
    const held = r.results.map((d) => d.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}`)));
    assert.deepEqual(held.flat().sort(), ['spread-0', 'spread-1']);
    assert.ok(held.every((h) => h.length === 1), 'one partition in each directory');
  } finally {
    c.close();
    await two.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
