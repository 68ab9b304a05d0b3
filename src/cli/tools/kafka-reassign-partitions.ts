/**
 * kafka-reassign-partitions: move partitions' replicas between brokers, with Kafka's flags, JSON
 * files and output (the --bootstrap-server form of Kafka 2.5+):
 *   --generate  --topics-to-move-json-file F --broker-list 0,1,2   proposes an assignment;
 *   --execute   --reassignment-json-file F [--additional]           starts it;
 *   --verify    --reassignment-json-file F                          reports each partition;
 *   --cancel    --reassignment-json-file F                          stops the moves in progress;
 *   --list                                                          shows the moves in progress.
 * Replication throttles and log-directory moves are not supported: --throttle and
 * --replica-alter-log-dirs-throttle are accepted and ignored with a note, a `log_dirs` entry
 * other than "any" is refused.
 */
import { readFileSync } from 'node:fs';
import { UsageError, type ParsedOptions } from '../support/options.js';
import { EXIT_FAILURE, EXIT_OK, type Io } from '../support/output.js';
import { withAdmin } from '../support/connect.js';
import { BOOTSTRAP_OPTIONS, bootstrapOf, type Tool } from './tool.js';
import type { Admin } from '../../client/admin/admin.js';
import { placeReplicas } from '../../broker/topics/replica-placement.js';

interface Move {
  topic: string;
  partition: number;
  replicas: number[];
}

const NO_THROTTLE = '-1';

function readJson(o: ParsedOptions, option: string): unknown {
  const file = o.get(option);
  if (!file) throw new UsageError(`--${option} is required`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new UsageError(`cannot read --${option} ${file}: ${(e as Error).message}`);
  }
}

function isIntArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((n) => Number.isInteger(n));
}

/** {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]} */
function parseReassignment(json: unknown): Move[] {
  const parts = (json as { partitions?: unknown } | null)?.partitions;
  if (!Array.isArray(parts) || parts.length === 0) throw new UsageError('Partition reassignment list cannot be empty');
  const seen = new Set<string>();
  return parts.map((p: { topic?: unknown; partition?: unknown; replicas?: unknown; log_dirs?: unknown }) => {
    if (typeof p.topic !== 'string' || !Number.isInteger(p.partition) || !isIntArray(p.replicas)) {
      throw new UsageError(`each partition needs "topic", "partition" and "replicas": ${JSON.stringify(p)}`);
    }
    const key = `${p.topic}-${p.partition as number}`;
    if (seen.has(key)) throw new UsageError(`Partition reassignment contains duplicate topic partitions: ${key}`);
    seen.add(key);
    if (new Set(p.replicas).size !== p.replicas.length) throw new UsageError(`Partition replica lists may not contain duplicate entries: ${key}`);
    if (Array.isArray(p.log_dirs) && p.log_dirs.some((d) => d !== 'any')) throw new UsageError(`moving replicas between log directories is not supported (${key})`);
    return { topic: p.topic, partition: p.partition as number, replicas: p.replicas };
  });
}

function tp(m: { topic: string; partition: number }): string {
  return `${m.topic}-${m.partition}`;
}

function byTopicPartition(a: { topic: string; partition: number }, b: { topic: string; partition: number }): number {
  return a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1;
}

function assignmentJson(moves: readonly Move[]): string {
  return JSON.stringify({
    version: 1,
    partitions: [...moves].sort(byTopicPartition).map((m) => ({ topic: m.topic, partition: m.partition, replicas: m.replicas, log_dirs: m.replicas.map(() => 'any') })),
  });
}

async function currentAssignment(admin: Admin, topics: readonly string[]): Promise<Move[]> {
  const described = await admin.describeTopics([...new Set(topics)].sort());
  return described.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition, replicas: p.replicas })));
}

async function generate(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const json = readJson(o, 'topics-to-move-json-file') as { topics?: { topic?: unknown }[] } | null;
  const topics = (json?.topics ?? []).map((t) => t.topic).filter((t): t is string => typeof t === 'string');
  if (topics.length === 0) throw new UsageError('List of topics to reassign contains no topics');
  const list = (o.get('broker-list') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (list.length === 0 || !list.every((n) => Number.isInteger(n))) throw new UsageError('--broker-list must list broker ids, e.g. "0,1,2"');
  const cluster = await admin.describeCluster();
  const unknown = list.find((id) => !cluster.brokers.some((b) => b.nodeId === id));
  if (unknown !== undefined) {
    io.stderr.write(`Error: Unknown broker id ${unknown}\n`);
    return EXIT_FAILURE;
  }
  const brokers = cluster.brokers.filter((b) => list.includes(b.nodeId)).map((b) => ({ nodeId: b.nodeId, rack: o.has('disable-rack-aware') ? null : b.rack }));
  const current = await currentAssignment(admin, topics);
  const proposed: Move[] = [];
  for (const topic of [...new Set(topics)].sort()) {
    const parts = current.filter((m) => m.topic === topic);
    const rf = parts[0]?.replicas.length ?? 1;
    if (rf > brokers.length) {
      io.stderr.write(`Error: Replication factor: ${rf} larger than available brokers: ${brokers.length}.\n`);
      return EXIT_FAILURE;
    }
    placeReplicas(brokers, parts.length, rf).forEach((replicas, partition) => proposed.push({ topic, partition, replicas }));
  }
  io.stdout.write(`Current partition replica assignment\n${assignmentJson(current)}\n\n`);
  io.stdout.write(`Proposed partition reassignment configuration\n${assignmentJson(proposed)}\n`);
  return EXIT_OK;
}

function throttleNote(o: ParsedOptions, io: Io): void {
  for (const name of ['throttle', 'replica-alter-log-dirs-throttle']) {
    if ((o.get(name) ?? NO_THROTTLE) !== NO_THROTTLE) io.stderr.write(`Note: --${name} is ignored: Gregor does not throttle replication.\n`);
  }
}

async function execute(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const moves = parseReassignment(readJson(o, 'reassignment-json-file'));
  throttleNote(o, io);
  if (!o.has('additional') && (await admin.listPartitionReassignments()).length > 0) {
    io.stdout.write('Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one.\n');
    return EXIT_FAILURE;
  }
  const cluster = await admin.describeCluster();
  const unknown = moves.flatMap((m) => m.replicas).find((id) => !cluster.brokers.some((b) => b.nodeId === id));
  if (unknown !== undefined) {
    io.stderr.write(`Error: Unknown broker id ${unknown}\n`);
    return EXIT_FAILURE;
  }
  const current = (await currentAssignment(admin, moves.map((m) => m.topic))).filter((c) => moves.some((m) => tp(m) === tp(c)));
  io.stdout.write(`Current partition replica assignment\n\n${assignmentJson(current)}\n\nSave this to use as the --reassignment-json-file option during rollback\n`);
  const results = await admin.alterPartitionReassignments(moves);
  const failed = results.filter((r) => r.errorCode !== 0).sort(byTopicPartition);
  if (failed.length > 0) {
    io.stdout.write(`Error reassigning partition(s):\n${failed.map((r) => `${tp(r)}: ${r.errorMessage ?? r.error}`).join('\n')}\n`);
    return EXIT_FAILURE;
  }
  io.stdout.write(`Successfully started partition reassignment${moves.length === 1 ? '' : 's'} for ${[...moves].sort(byTopicPartition).map(tp).join(',')}\n`);
  return EXIT_OK;
}

async function verify(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const moves = parseReassignment(readJson(o, 'reassignment-json-file'));
  const ongoing = new Set((await admin.listPartitionReassignments(moves)).map(tp));
  const current = await currentAssignment(admin, moves.map((m) => m.topic));
  io.stdout.write('Status of partition reassignment:\n');
  for (const m of [...moves].sort(byTopicPartition)) {
    const now = current.find((c) => tp(c) === tp(m))?.replicas ?? [];
    if (ongoing.has(tp(m))) io.stdout.write(`Reassignment of partition ${tp(m)} is still in progress.\n`);
    else if (now.join(',') === m.replicas.join(',')) io.stdout.write(`Reassignment of partition ${tp(m)} is completed.\n`);
    else io.stdout.write(`There is no active reassignment of partition ${tp(m)}, but replica set is ${now.join(',')} rather than ${m.replicas.join(',')}.\n`);
  }
  return EXIT_OK;
}

async function cancel(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const moves = parseReassignment(readJson(o, 'reassignment-json-file'));
  const ongoing = new Set((await admin.listPartitionReassignments(moves)).map(tp));
  const toCancel = moves.filter((m) => ongoing.has(tp(m))).sort(byTopicPartition);
  if (toCancel.length === 0) {
    io.stdout.write('None of the specified partition reassignments are active.\n');
    return EXIT_OK;
  }
  const results = await admin.alterPartitionReassignments(toCancel.map((m) => ({ topic: m.topic, partition: m.partition, replicas: null })));
  const failed = results.filter((r) => r.errorCode !== 0);
  if (failed.length > 0) {
    io.stdout.write(`Error cancelling partition reassignment(s):\n${failed.map((r) => `${tp(r)}: ${r.errorMessage ?? r.error}`).join('\n')}\n`);
    return EXIT_FAILURE;
  }
  io.stdout.write(`Successfully cancelled partition reassignment${toCancel.length === 1 ? '' : 's'} for: ${toCancel.map(tp).join(',')}\n`);
  return EXIT_OK;
}

async function listOngoing(admin: Admin, io: Io): Promise<number> {
  const ongoing = await admin.listPartitionReassignments();
  if (ongoing.length === 0) {
    io.stdout.write('No partition reassignments found.\n');
    return EXIT_OK;
  }
  io.stdout.write('Current partition reassignments:\n');
  for (const r of ongoing) {
    const adding = r.addingReplicas.length > 0 ? ` adding: ${r.addingReplicas.join(',')}.` : '';
    const removing = r.removingReplicas.length > 0 ? ` removing: ${r.removingReplicas.join(',')}.` : '';
    io.stdout.write(`${tp(r)}: replicas: ${r.replicas.join(',')}.${adding}${removing}\n`);
  }
  return EXIT_OK;
}

const ACTIONS = ['generate', 'execute', 'verify', 'cancel', 'list'] as const;

export const kafkaReassignPartitions: Tool = {
  name: 'kafka-reassign-partitions',
  summary: 'move partition replicas between brokers',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'generate', doc: 'Propose an assignment of the topics in --topics-to-move-json-file over --broker-list.' },
    { name: 'execute', doc: 'Start the reassignment in --reassignment-json-file.' },
    { name: 'verify', doc: 'Report whether the reassignment in --reassignment-json-file has completed.' },
    { name: 'cancel', doc: 'Cancel the moves of --reassignment-json-file that are still in progress.' },
    { name: 'list', doc: 'List the reassignments in progress.' },
    { name: 'reassignment-json-file', value: 'file', doc: 'The reassignment: {"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}]}.' },
    { name: 'topics-to-move-json-file', value: 'file', doc: 'For --generate: {"version":1,"topics":[{"topic":"t"}]}.' },
    { name: 'broker-list', value: '0,1,2', doc: 'For --generate: the brokers to place the replicas on.' },
    { name: 'disable-rack-aware', doc: 'For --generate: ignore broker racks.' },
    { name: 'additional', doc: 'With --execute: start even though other reassignments are in progress.' },
    { name: 'preserve-throttles', doc: 'Accepted for compatibility (there are no throttles to remove).' },
    { name: 'throttle', value: 'bytes/s', doc: 'Accepted and ignored: replication is not throttled.' },
    { name: 'replica-alter-log-dirs-throttle', value: 'bytes/s', doc: 'Accepted and ignored.' },
    { name: 'timeout', value: 'ms', doc: 'Accepted for compatibility.' },
  ],
  examples: [
    'kafka-reassign-partitions --bootstrap-server localhost:9092 --topics-to-move-json-file topics.json --broker-list 1,2 --generate',
    'kafka-reassign-partitions --bootstrap-server localhost:9092 --reassignment-json-file plan.json --execute',
    'kafka-reassign-partitions --bootstrap-server localhost:9092 --reassignment-json-file plan.json --verify',
    'kafka-reassign-partitions --bootstrap-server localhost:9092 --list',
  ],
  async run(o, io) {
    const chosen = ACTIONS.filter((a) => o.has(a));
    if (chosen.length !== 1) throw new UsageError('Command must include exactly one action: --generate, --execute, --verify, --cancel or --list');
    // files are read before connecting, so a usage error is reported as one
    if (chosen[0] !== 'list' && chosen[0] !== 'generate') parseReassignment(readJson(o, 'reassignment-json-file'));
    return withAdmin(bootstrapOf(o), async (admin) => {
      switch (chosen[0]) {
        case 'generate': return generate(admin, o, io);
        case 'execute': return execute(admin, o, io);
        case 'verify': return verify(admin, o, io);
        case 'cancel': return cancel(admin, o, io);
        default: return listOngoing(admin, io);
      }
    });
  },
};
