/**
 * Test support for consumer-group tests: kafkajs clients tuned for quick rebalances, an
 * in-process consumer that records what it was assigned and what it read, kcat balanced
 * consumers (-G) as children, and the broker's own view of a group (DescribeGroups v5 with the
 * consumer protocol's assignment decoded here, independently of every client).
 *
 * Timing: brokers for these tests allow session timeouts down to 1 s
 * (GROUP_TEST_BROKER_OVERRIDES); consumers use short session timeouts, heartbeats and fetch waits,
 * so a member notices a rebalance within a few hundred milliseconds.
 */
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type ConsumerConfig, type Producer } from 'kafkajs';
import { RawClient } from './raw-client.js';
import { KCAT, parseKcatJson, type KcatRecord } from './kcat.js';
import { startBackground, type Background } from './process.js';
import { waitFor } from './wait.js';

// kafkajs 2 warns once per process that its default partitioner changed; nothing here depends on it.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

/** Broker settings for group tests: session timeouts from 1 s (Kafka's minimum default is 6 s). */
export const GROUP_TEST_BROKER_OVERRIDES: Record<string, string> = {
  'group.min.session.timeout.ms': '1000',
};

export function quietKafka(bootstrap: string, clientId = 'gregor-group-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: bootstrap.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 500 },
  });
}

/** Consumer settings for quick rebalances: heartbeats every 200 ms, fetches wait at most 100 ms. */
export function fastConsumerConfig(groupId: string, overrides: Partial<ConsumerConfig> = {}): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: 4000,
    rebalanceTimeout: 8000,
    heartbeatInterval: 200,
    maxWaitTimeInMs: 100,
    retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 },
    ...overrides,
  };
}

export async function connectedAdmin(bootstrap: string): Promise<Admin> {
  const admin = quietKafka(bootstrap, 'gregor-group-admin').admin();
  await admin.connect();
  return admin;
}

export async function connectedProducer(bootstrap: string): Promise<Producer> {
  const producer = quietKafka(bootstrap, 'gregor-group-producer').producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return producer;
}

export async function createTopic(admin: Admin, topic: string, numPartitions: number): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
}

/** Sends `count` messages to every partition (values `${prefix}-p${partition}-${i}`); returns the values. */
export async function producePerPartition(producer: Producer, topic: string, partitions: number, count: number, prefix: string): Promise<string[]> {
  const values: string[] = [];
  const messages = [];
  for (let p = 0; p < partitions; p++) {
    for (let i = 0; i < count; i++) {
      const value = `${prefix}-p${p}-${i}`;
      values.push(value);
      messages.push({ value, partition: p });
    }
  }
  await producer.send({ topic, messages, acks: -1 });
  return values;
}

export interface Consumed {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

/**
 * A kafkajs consumer in this process that records every message it is handed, its member id and
 * its latest assignment (from kafkajs's GROUP_JOIN event, which fires after SyncGroup).
 */
export class TrackedConsumer {
  readonly consumer: Consumer;
  readonly consumed: Consumed[] = [];
  memberId: string | undefined;
  assignment: Record<string, number[]> = {};
  joins = 0;
  crashes: string[] = [];
  private running = false;

  constructor(kafka: Kafka, readonly groupId: string, readonly name: string, overrides: Partial<ConsumerConfig> = {}) {
    this.consumer = kafka.consumer(fastConsumerConfig(groupId, overrides));
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.joins++;
      this.memberId = e.payload.memberId;
      this.assignment = Object.fromEntries(Object.entries(e.payload.memberAssignment).map(([t, ps]) => [t, [...ps].sort((a, b) => a - b)]));
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.crashes.push(String(e.payload.error?.message ?? e.payload.error));
    });
  }

  static async start(bootstrap: string, groupId: string, name: string, topics: string[], overrides: Partial<ConsumerConfig> = {}): Promise<TrackedConsumer> {
    const c = new TrackedConsumer(quietKafka(bootstrap, name), groupId, name, overrides);
    await c.start(topics);
    return c;
  }

  async start(topics: string[], fromBeginning = true): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning });
    this.running = true;
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        this.consumed.push({
          topic,
          partition,
          offset: Number(message.offset),
          key: message.key === null ? null : message.key.toString('utf8'),
          value: message.value === null ? null : message.value.toString('utf8'),
        });
      },
    });
  }

  partitions(topic: string): number[] {
    return this.assignment[topic] ?? [];
  }

  values(topic?: string): string[] {
    return this.consumed.filter((m) => topic === undefined || m.topic === topic).map((m) => m.value ?? '');
  }

  /** Leaves the group (LeaveGroup) and disconnects. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.consumer.disconnect();
  }
}

/** Stops every consumer, ignoring the ones already stopped; never throws. */
export async function stopAll(consumers: readonly (TrackedConsumer | undefined)[]): Promise<void> {
  await Promise.all(consumers.map((c) => c?.stop().catch(() => undefined)));
}

// ---- the consumer protocol, decoded here ----

/** ConsumerProtocolAssignment (any version): int16 version, [topic, [int32 partition]], ... */
export function decodeAssignment(buf: Buffer): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  if (buf.length === 0) return out;
  let pos = 2;
  const topics = buf.readInt32BE(pos);
  pos += 4;
  for (let t = 0; t < topics; t++) {
    const len = buf.readInt16BE(pos);
    pos += 2;
    const topic = buf.toString('utf8', pos, pos + len);
    pos += len;
    const n = buf.readInt32BE(pos);
    pos += 4;
    const ps: number[] = [];
    for (let i = 0; i < n; i++, pos += 4) ps.push(buf.readInt32BE(pos));
    out[topic] = ps.sort((a, b) => a - b);
  }
  return out;
}

/** ConsumerProtocolSubscription (any version): the subscribed topics. */
export function decodeSubscriptionTopics(buf: Buffer): string[] {
  if (buf.length === 0) return [];
  let pos = 2;
  const n = buf.readInt32BE(pos);
  pos += 4;
  const topics: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = buf.readInt16BE(pos);
    pos += 2;
    topics.push(buf.toString('utf8', pos, pos + len));
    pos += len;
  }
  return topics;
}

export interface GroupMemberView {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  assignment: Record<string, number[]>;
  subscription: string[];
}

export interface GroupView {
  errorCode: number;
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMemberView[];
}

/** The broker's view of a group: DescribeGroups v5 on a raw connection. */
export async function describeGroup(port: number, groupId: string): Promise<GroupView> {
  const c = await RawClient.connect(port);
  try {
    const r = await c.request(15, 5, { groups: [groupId], includeAuthorizedOperations: false });
    const g = r.groups[0];
    if (!g) throw new Error(`DescribeGroups returned no entry for ${groupId}`);
    return {
      errorCode: g.errorCode,
      state: g.groupState,
      protocolType: g.protocolType,
      protocol: g.protocolData,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        clientId: m.clientId,
        assignment: decodeAssignment(m.memberAssignment),
        subscription: decodeSubscriptionTopics(m.memberMetadata),
      })),
    };
  } finally {
    c.close();
  }
}

/** Partitions of `topic` assigned to each member, by member id. */
export function assignmentOf(view: GroupView, topic: string): Map<string, number[]> {
  return new Map(view.members.map((m) => [m.memberId, m.assignment[topic] ?? []]));
}

function samePartitions(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Waits until the group is Stable with exactly these in-process consumers as members, each
 * consumer's own latest assignment equals the one the broker stored for it, and together they
 * own every partition of `topic` once. Returns the broker's view.
 */
export async function waitForStableGroup(port: number, groupId: string, consumers: readonly TrackedConsumer[], topic: string, partitionCount: number, timeoutMs = 20_000): Promise<GroupView> {
  let last: GroupView | undefined;
  try {
    return await waitFor(async () => {
      const view = await describeGroup(port, groupId);
      last = view;
      if (view.state !== 'Stable' || view.members.length !== consumers.length) return undefined;
      const byId = assignmentOf(view, topic);
      for (const c of consumers) {
        if (c.memberId === undefined || !byId.has(c.memberId)) return undefined;
        if (!samePartitions(byId.get(c.memberId)!, c.partitions(topic))) return undefined;
      }
      const all = [...byId.values()].flat().sort((a, b) => a - b);
      if (!samePartitions(all, Array.from({ length: partitionCount }, (_, i) => i))) return undefined;
      return view;
    }, { timeoutMs, intervalMs: 100, what: `group ${groupId} to be Stable with ${consumers.length} members` });
  } catch (e) {
    const own = consumers.map((c) => `${c.name}: ${c.memberId} ${JSON.stringify(c.assignment)} crashes=${JSON.stringify(c.crashes)}`).join('; ');
    throw new Error(`${(e as Error).message}\nbroker view: ${JSON.stringify(last)}\nconsumers: ${own}`);
  }
}

/** Committed offsets of a group for one topic, by partition (-1 where none). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<number[]> {
  const r = await admin.fetchOffsets({ groupId, topics: [topic] });
  const t = r.find((x) => x.topic === topic);
  if (!t) return [];
  return [...t.partitions].sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
}

/** The high watermark of each partition of a topic. */
export async function endOffsets(admin: Admin, topic: string): Promise<number[]> {
  const r = await admin.fetchTopicOffsets(topic);
  return [...r].sort((a, b) => a.partition - b.partition).map((p) => Number(p.high));
}

/** Waits until the group's committed offsets for `topic` equal the topic's end offsets. */
export async function waitForCommittedToEnd(admin: Admin, groupId: string, topic: string, timeoutMs = 15_000): Promise<number[]> {
  let last: { committed: number[]; end: number[] } | undefined;
  try {
    return await waitFor(async () => {
      const [committed, end] = await Promise.all([committedOffsets(admin, groupId, topic), endOffsets(admin, topic)]);
      last = { committed, end };
      return committed.length === end.length && committed.every((c, i) => c === end[i]) ? committed : undefined;
    }, { timeoutMs, intervalMs: 100, what: `group ${groupId} to commit ${topic} up to its end` });
  } catch (e) {
    throw new Error(`${(e as Error).message}; last seen ${JSON.stringify(last)}`);
  }
}

/** Duplicated values in a list (each listed once), for exactly-once checks with good messages. */
export function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

/** Sorted copy, for comparing multisets of values. */
export function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}

// ---- kcat balanced consumers ----

export interface KcatGroupConsumer {
  background: Background;
  pid: number;
  /** Records printed so far (kcat -J -u prints one JSON line per message as it is consumed). */
  records(): KcatRecord[];
  stderr(): string;
  /** Ends kcat by its pid with SIGKILL: no LeaveGroup, no final commit. */
  kill(): Promise<void>;
  /** SIGTERM (kcat closes the consumer: commits and leaves), then waits. */
  stop(): Promise<void>;
}

/**
 * Starts `kcat -G group topics...` as a child with JSON output, unbuffered. `config` adds
 * librdkafka properties (-X). Starts from the earliest offset when the group has no commit.
 *
 * kcat sends -X auto.commit.interval.ms to librdkafka's legacy topic-level property, so the
 * consumer's own auto-commit runs on its default 5 s timer whatever is passed here; it also
 * commits when it closes (SIGTERM via stop(), or -e at the end of the partitions).
 */
export function startKcatGroupConsumer(bootstrap: string, groupId: string, topics: readonly string[], config: Record<string, string> = {}, options: { exitAtEnd?: boolean; timeoutMs?: number } = {}): KcatGroupConsumer {
  const props: Record<string, string> = {
    'auto.offset.reset': 'earliest',
    'session.timeout.ms': '6000',
    'heartbeat.interval.ms': '250',
    'fetch.wait.max.ms': '50',
    ...config,
  };
  const args = ['-b', bootstrap, '-G', groupId, '-J', '-u'];
  if (options.exitAtEnd) args.push('-e');
  for (const [k, v] of Object.entries(props)) args.push('-X', `${k}=${v}`);
  args.push(...topics);
  const background = startBackground(KCAT, args, { timeoutMs: options.timeoutMs ?? 60_000 });
  const pid = background.child.pid;
  if (pid === undefined) throw new Error('kcat did not start');
  return {
    background,
    pid,
    records: () => parseCompleteLines(background.output().stdout),
    stderr: () => background.output().stderr,
    async kill() {
      try {
        process.kill(pid, 'SIGKILL');
      } catch { /* already gone */ }
      await background.exited;
    },
    stop: () => background.stop(),
  };
}

/** kcat JSON lines, ignoring a last line still being written. */
function parseCompleteLines(stdout: string): KcatRecord[] {
  const end = stdout.lastIndexOf('\n');
  return end < 0 ? [] : parseKcatJson(stdout.slice(0, end + 1));
}
