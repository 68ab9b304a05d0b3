/**
 * kafka-topics: create, list, describe, alter (partitions) and delete topics, with Kafka's flags
 * and output.
 */
import { keyValues, UsageError, type ParsedOptions } from '../support/options.js';
import { EXIT_FAILURE, EXIT_OK, type Io } from '../support/output.js';
import { withAdmin } from '../support/connect.js';
import { BOOTSTRAP_OPTIONS, bootstrapOf, type Tool } from './tool.js';
import type { Admin } from '../../client/admin/admin.js';

async function create(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const name = required(o, 'topic');
  const configs = Object.fromEntries(keyValues(o.all('config'), '\u0000'));
  const [r] = await admin.createTopics([{
    name,
    numPartitions: o.has('partitions') ? Number(o.get('partitions')) : undefined,
    replicationFactor: o.has('replication-factor') ? Number(o.get('replication-factor')) : undefined,
    configs,
  }], { returnErrors: true });
  if (r && r.errorCode !== 0) {
    if (r.error === 'TOPIC_ALREADY_EXISTS' && o.has('if-not-exists')) return EXIT_OK;
    io.stderr.write(`Error while executing topic command : ${r.errorMessage ?? r.error}\n`);
    return EXIT_FAILURE;
  }
  io.stdout.write(`Created topic ${name}.\n`);
  return EXIT_OK;
}

async function list(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const names = await admin.listTopics({ includeInternal: !o.has('exclude-internal') });
  const filter = o.get('topic');
  const shown = names.sort().filter((n) => !filter || new RegExp(`^${filter}$`).test(n));
  if (o.has('json')) io.stdout.write(`${JSON.stringify(shown)}\n`);
  else for (const n of shown) io.stdout.write(`${n}\n`);
  return EXIT_OK;
}

const PARTITION_FILTERS = ['under-replicated-partitions', 'unavailable-partitions', 'under-min-isr-partitions', 'at-min-isr-partitions'] as const;

async function describe(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const wanted = o.get('topic');
  const all = await admin.listTopics({ includeInternal: !o.has('exclude-internal') });
  const names = wanted ? all.filter((n) => new RegExp(`^${wanted}$`).test(n)) : all;
  if (wanted && names.length === 0 && !o.has('if-exists')) {
    io.stderr.write(`Error while executing topic command : Topic '${wanted}' does not exist as expected\n`);
    return EXIT_FAILURE;
  }
  const topics = await admin.describeTopics(names.sort());
  const configs = await admin.describeConfigs(topics.map((t) => ({ type: 'topic' as const, name: t.name })));
  if (o.has('json')) {
    io.stdout.write(`${JSON.stringify(topics.map((t) => ({
      ...t,
      configs: Object.fromEntries((configs.find((c) => c.name === t.name)?.entries ?? []).filter((e) => e.source === 'DYNAMIC_TOPIC_CONFIG').map((e) => [e.name, e.value])),
    })))}\n`);
    return EXIT_OK;
  }
  // Kafka's partition filters: with any of them, only the matching partitions are printed
  const filters = PARTITION_FILTERS.filter((f) => o.has(f));
  const live = filters.length > 0 ? new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId)) : new Set<number>();
  for (const t of topics) {
    const entries = configs.find((c) => c.name === t.name)?.entries ?? [];
    const overrides = entries.filter((e) => e.source === 'DYNAMIC_TOPIC_CONFIG');
    const minIsr = Number(entries.find((e) => e.name === 'min.insync.replicas')?.value ?? 1);
    const rf = t.partitions[0]?.replicas.length ?? 0;
    if (filters.length === 0) {
      io.stdout.write(`Topic: ${t.name}\tTopicId: ${t.topicId}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${overrides.map((e) => `${e.name}=${e.value ?? ''}`).join(',')}\n`);
    }
    for (const p of t.partitions) {
      const leaderLive = p.leader >= 0 && live.has(p.leader);
      const matches = filters.length === 0 || filters.some((f) =>
        (f === 'under-replicated-partitions' && p.isr.length < p.replicas.length) ||
        (f === 'unavailable-partitions' && !leaderLive) ||
        (f === 'under-min-isr-partitions' && p.isr.length < minIsr) ||
        (f === 'at-min-isr-partitions' && p.isr.length === minIsr));
      if (!matches) continue;
      const offline = filters.length > 0 ? p.replicas.filter((r) => !live.has(r)) : [];
      io.stdout.write(`\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader >= 0 ? p.leader : 'none'}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}${offline.length > 0 ? `\tOffline: ${offline.join(',')}` : ''}\n`);
    }
  }
  return EXIT_OK;
}

async function alter(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const name = required(o, 'topic');
  if (!o.has('partitions')) throw new UsageError('--alter needs --partitions (use kafka-configs to change configs)');
  await admin.createPartitions(name, Number(o.get('partitions')));
  io.stdout.write(`Increased the partition count of ${name} to ${o.get('partitions')}.\n`);
  return EXIT_OK;
}

async function remove(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const name = required(o, 'topic');
  const [r] = await admin.deleteTopics([name], { returnErrors: true });
  if (r && r.errorCode !== 0) {
    if (r.error === 'UNKNOWN_TOPIC_OR_PARTITION' && o.has('if-exists')) return EXIT_OK;
    io.stderr.write(`Error while executing topic command : ${r.errorMessage ?? r.error}\n`);
    return EXIT_FAILURE;
  }
  return EXIT_OK;
}

function required(o: ParsedOptions, name: string): string {
  const v = o.get(name);
  if (!v) throw new UsageError(`missing required option --${name}`);
  return v;
}

export const kafkaTopics: Tool = {
  name: 'kafka-topics',
  summary: 'create, list, describe, alter and delete topics',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'create', doc: 'Create a topic.' },
    { name: 'list', doc: 'List topics.' },
    { name: 'describe', doc: 'Describe topics: partitions, leaders, replicas, overridden configs.' },
    { name: 'alter', doc: 'Change the number of partitions of a topic.' },
    { name: 'delete', doc: 'Delete a topic.' },
    { name: 'topic', value: 'name', doc: 'The topic (a regular expression for --list and --describe).' },
    { name: 'partitions', value: 'count', doc: 'Number of partitions (create, alter).' },
    { name: 'replication-factor', value: 'count', doc: 'Replication factor (create).' },
    { name: 'config', value: 'name=value', repeatable: true, doc: 'A topic config override (create); repeatable.' },
    { name: 'if-not-exists', doc: 'With --create: succeed if the topic exists.' },
    { name: 'if-exists', doc: 'With --delete/--describe: succeed if the topic does not exist.' },
    { name: 'exclude-internal', doc: 'Leave internal topics out of --list and --describe.' },
    { name: 'under-replicated-partitions', doc: 'With --describe: only partitions whose ISR is smaller than their replica list.' },
    { name: 'unavailable-partitions', doc: 'With --describe: only partitions without a live leader.' },
    { name: 'under-min-isr-partitions', doc: 'With --describe: only partitions whose ISR is smaller than min.insync.replicas.' },
    { name: 'at-min-isr-partitions', doc: 'With --describe: only partitions whose ISR is exactly min.insync.replicas.' },
    { name: 'json', doc: 'Print JSON (--list, --describe; Gregor extension).' },
  ],
  examples: [
    'kafka-topics.sh --create --topic quickstart-events --bootstrap-server localhost:9092',
    'kafka-topics.sh --create --topic payment-done --partitions 3 --bootstrap-server localhost:9092',
    'kafka-topics.sh --describe --topic payment-done --bootstrap-server localhost:9092',
    'kafka-topics --list --bootstrap-server localhost:9092',
  ],
  async run(o, io) {
    const actions = ['create', 'list', 'describe', 'alter', 'delete'].filter((a) => o.has(a));
    if (actions.length !== 1) throw new UsageError('exactly one of --create, --list, --describe, --alter, --delete is needed');
    const action = actions[0]!;
    // Usage is checked before connecting, so a usage error is reported as one (exit 2) even
    // when no broker is reachable.
    if (action === 'create' || action === 'alter' || action === 'delete') required(o, 'topic');
    if (action === 'alter' && !o.has('partitions')) throw new UsageError('--alter needs --partitions (use kafka-configs to change configs)');
    for (const n of ['partitions', 'replication-factor']) {
      const v = o.get(n);
      if (v !== undefined && !/^[1-9]\d*$/.test(v)) throw new UsageError(`--${n} must be a positive whole number, not '${v}'`);
    }
    return withAdmin(bootstrapOf(o), (admin) => {
      switch (action) {
        case 'create':
          return create(admin, o, io);
        case 'list':
          return list(admin, o, io);
        case 'describe':
          return describe(admin, o, io);
        case 'alter':
          return alter(admin, o, io);
        default:
          return remove(admin, o, io);
      }
    });
  },
};
