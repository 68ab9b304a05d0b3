/**
 * kafka-consumer-groups: list, describe (offsets with lag, members, state), delete groups,
 * reset offsets and delete offsets, with Kafka's flags and output.
 */
import { UsageError, type ParsedOptions } from '../support/options.js';
import { EXIT_FAILURE, EXIT_OK, table, type Io } from '../support/output.js';
import { withAdmin } from '../support/connect.js';
import { BOOTSTRAP_OPTIONS, bootstrapOf, type Tool } from './tool.js';
import type { Admin, GroupDescription, OffsetSpec } from '../../client/admin/admin.js';

interface PartitionRow {
  topic: string;
  partition: number;
  current: number | null;
  end: number;
  consumer: { memberId: string; clientHost: string; clientId: string } | undefined;
}

async function offsetRows(admin: Admin, group: GroupDescription): Promise<PartitionRow[]> {
  const committed = (await admin.fetchGroupOffsets(group.groupId)).filter((o) => o.offset >= 0);
  const owners = new Map<string, GroupDescription['members'][number]>();
  for (const m of group.members) for (const [topic, parts] of Object.entries(m.assignment ?? {})) for (const p of parts) owners.set(`${topic}:${p}`, m);
  const keys = new Map<string, { topic: string; partition: number }>();
  for (const o of committed) keys.set(`${o.topic}:${o.partition}`, o);
  for (const k of owners.keys()) {
    const [topic, p] = [k.slice(0, k.lastIndexOf(':')), Number(k.slice(k.lastIndexOf(':') + 1))];
    keys.set(k, { topic, partition: p });
  }
  const ends = await admin.listOffsets([...keys.values()], 'latest');
  return [...keys.entries()].sort().map(([k, tp]) => ({
    topic: tp.topic,
    partition: tp.partition,
    current: committed.find((o) => o.topic === tp.topic && o.partition === tp.partition)?.offset ?? null,
    end: ends.get(tp.topic)?.get(tp.partition)?.offset ?? -1,
    consumer: owners.get(k),
  }));
}

async function describe(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const ids = o.has('all-groups') ? (await admin.listGroups()).map((g) => g.groupId) : [required(o, 'group')];
  const groups = await admin.describeGroups(ids);
  const json: unknown[] = [];
  for (const g of groups) {
    if (g.state === 'Dead') {
      io.stderr.write(`Error: Consumer group '${g.groupId}' does not exist.\n`);
      if (!o.has('all-groups')) return EXIT_FAILURE;
      continue;
    }
    if (o.has('state')) {
      json.push({ group: g.groupId, state: g.state, protocol: g.protocol, members: g.members.length });
      if (!o.has('json')) io.stdout.write(`\n${table(['GROUP', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], [[g.groupId, g.protocol || '-', g.state, g.members.length]])}\n`);
      continue;
    }
    if (o.has('members')) {
      const rows = g.members.map((m) => [g.groupId, m.memberId, m.clientHost, m.clientId, Object.values(m.assignment ?? {}).reduce((n, p) => n + p.length, 0)]);
      json.push({ group: g.groupId, members: g.members.map((m) => ({ memberId: m.memberId, host: m.clientHost, clientId: m.clientId, assignment: m.assignment })) });
      if (!o.has('json')) io.stdout.write(`\n${table(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'], rows)}\n`);
      continue;
    }
    const rows = await offsetRows(admin, g);
    json.push({ group: g.groupId, state: g.state, partitions: rows.map((r) => ({ topic: r.topic, partition: r.partition, currentOffset: r.current, logEndOffset: r.end, lag: r.current === null ? null : Math.max(0, r.end - r.current), consumerId: r.consumer?.memberId ?? null })) });
    if (o.has('json')) continue;
    if (g.members.length === 0) io.stdout.write(`\nConsumer group '${g.groupId}' has no active members.\n`);
    io.stdout.write(`\n${table(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'], rows.map((r) => [
      g.groupId, r.topic, r.partition, r.current ?? '-', r.end, r.current === null ? '-' : Math.max(0, r.end - r.current),
      r.consumer?.memberId ?? '-', r.consumer?.clientHost ?? '-', r.consumer?.clientId ?? '-',
    ]))}\n`);
  }
  if (o.has('json')) io.stdout.write(`${JSON.stringify(json)}\n`);
  return EXIT_OK;
}

function resetSpec(o: ParsedOptions): { spec?: OffsetSpec; offset?: number; shift?: number } {
  if (o.has('to-earliest')) return { spec: 'earliest' };
  if (o.has('to-latest')) return { spec: 'latest' };
  if (o.has('to-offset')) return { offset: Number(o.get('to-offset')) };
  if (o.has('shift-by')) return { shift: Number(o.get('shift-by')) };
  if (o.has('to-datetime')) return { spec: { timestamp: Date.parse(o.get('to-datetime')!) } };
  throw new UsageError('--reset-offsets needs one of --to-earliest, --to-latest, --to-offset, --shift-by, --to-datetime');
}

async function resetOffsets(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const groupId = required(o, 'group');
  const [group] = await admin.describeGroups([groupId]);
  if (group && group.state !== 'Empty' && group.state !== 'Dead') {
    io.stderr.write(`Error: Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${group.state}.\n`);
    return EXIT_FAILURE;
  }
  const committed = await admin.fetchGroupOffsets(groupId);
  const partitions: { topic: string; partition: number }[] = [];
  if (o.has('all-topics')) partitions.push(...committed.map((c) => ({ topic: c.topic, partition: c.partition })));
  for (const t of o.all('topic')) {
    const [topic, list] = t.split(':') as [string, string | undefined];
    const ids = list ? list.split(',').map(Number) : (await admin.describeTopics([topic]))[0]!.partitions.map((p) => p.partition);
    for (const partition of ids) partitions.push({ topic, partition });
  }
  if (partitions.length === 0) throw new UsageError('--reset-offsets needs --topic or --all-topics');
  const how = resetSpec(o);
  const earliest = await admin.listOffsets(partitions, 'earliest');
  const latest = await admin.listOffsets(partitions, 'latest');
  const target = how.spec && typeof how.spec === 'object' ? await admin.listOffsets(partitions, how.spec) : undefined;
  const clamp = (tp: { topic: string; partition: number }, n: number): number => {
    const lo = earliest.get(tp.topic)?.get(tp.partition)?.offset ?? 0;
    const hi = latest.get(tp.topic)?.get(tp.partition)?.offset ?? n;
    return Math.min(Math.max(n, lo), hi);
  };
  const plan = partitions.map((tp) => {
    let offset: number;
    if (how.spec === 'earliest') offset = earliest.get(tp.topic)?.get(tp.partition)?.offset ?? 0;
    else if (how.spec === 'latest') offset = latest.get(tp.topic)?.get(tp.partition)?.offset ?? 0;
    else if (target) {
      const found = target.get(tp.topic)?.get(tp.partition)?.offset ?? -1;
      offset = found >= 0 ? found : (latest.get(tp.topic)?.get(tp.partition)?.offset ?? 0);
    } else if (how.offset !== undefined) offset = clamp(tp, how.offset);
    else {
      const current = committed.find((c) => c.topic === tp.topic && c.partition === tp.partition)?.offset ?? 0;
      offset = clamp(tp, current + (how.shift ?? 0));
    }
    return { ...tp, offset };
  });
  if (o.has('execute')) await admin.commitGroupOffsets(groupId, plan);
  io.stdout.write(`\n${table(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], plan.map((p) => [groupId, p.topic, p.partition, p.offset]))}\n`);
  return EXIT_OK;
}

function required(o: ParsedOptions, name: string): string {
  const v = o.get(name);
  if (!v) throw new UsageError(`missing required option --${name}`);
  return v;
}

export const kafkaConsumerGroups: Tool = {
  name: 'kafka-consumer-groups',
  summary: 'list, describe (with lag) and delete consumer groups; reset their offsets',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'list', doc: 'List the groups.' },
    { name: 'describe', doc: 'Describe groups: offsets and lag per partition (default), --members or --state.' },
    { name: 'delete', doc: 'Delete groups (they must have no members).' },
    { name: 'delete-offsets', doc: 'Delete the offsets of --topic for --group.' },
    { name: 'reset-offsets', doc: 'Reset offsets of an inactive group (dry run unless --execute).' },
    { name: 'group', value: 'id', repeatable: true, doc: 'The group.' },
    { name: 'all-groups', doc: 'Every group.' },
    { name: 'topic', value: 'topic[:p1,p2]', repeatable: true, doc: 'Topic (and partitions) for reset/delete-offsets.' },
    { name: 'all-topics', doc: 'Every topic the group has offsets for.' },
    { name: 'to-earliest', doc: 'Reset to the earliest offset.' },
    { name: 'to-latest', doc: 'Reset to the latest offset.' },
    { name: 'to-offset', value: 'offset', doc: 'Reset to this offset.' },
    { name: 'shift-by', value: 'n', doc: 'Move the offsets by n (may be negative).' },
    { name: 'to-datetime', value: 'YYYY-MM-DDTHH:mm:SS.sss', doc: 'Reset to the first offset at or after this time.' },
    { name: 'execute', doc: 'Apply the reset.' },
    { name: 'dry-run', doc: 'Show the reset without applying it (the default).' },
    { name: 'members', doc: 'With --describe: list members.' },
    { name: 'state', value: 'state', defaultWhenBare: '', doc: 'With --describe: show the group state; with --list: filter by state.' },
    { name: 'offsets', doc: 'With --describe: offsets and lag (the default).' },
    { name: 'verbose', doc: 'More detail (accepted).' },
    { name: 'json', doc: 'Print JSON.' },
  ],
  examples: [
    'kafka-consumer-groups --bootstrap-server localhost:9092 --list',
    'kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group',
    'kafka-consumer-groups --bootstrap-server localhost:9092 --group my-group --reset-offsets --to-earliest --topic orders --execute',
  ],
  async run(o, io) {
    // Usage is checked before connecting, so a usage error is reported as one (exit 2) even
    // when no broker is reachable.
    const actions = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'].filter((a) => o.has(a));
    if (actions.length !== 1) throw new UsageError('exactly one of --list, --describe, --delete, --reset-offsets, --delete-offsets is needed');
    const action = actions[0]!;
    if ((action === 'describe' || action === 'delete') && !o.has('group') && !o.has('all-groups')) throw new UsageError(`--${action} needs --group or --all-groups`);
    if ((action === 'reset-offsets' || action === 'delete-offsets') && !o.has('group')) throw new UsageError(`--${action} needs --group`);
    if (action === 'reset-offsets') {
      resetSpec(o);
      if (!o.has('topic') && !o.has('all-topics')) throw new UsageError('--reset-offsets needs --topic or --all-topics');
    }
    if (action === 'delete-offsets' && !o.has('topic')) throw new UsageError('--delete-offsets needs --topic');
    return withAdmin(bootstrapOf(o), async (admin) => {
      if (o.has('list')) {
        const state = o.get('state');
        // share groups are kafka-share-groups' (they have no offsets to show here)
        const groups = (await admin.listGroups(state ? { states: state.split(',') } : {})).filter((g) => g.type !== 'share');
        if (o.has('json')) io.stdout.write(`${JSON.stringify(groups)}\n`);
        else for (const g of groups.sort((a, b) => a.groupId.localeCompare(b.groupId))) io.stdout.write(`${g.groupId}\n`);
        return EXIT_OK;
      }
      if (o.has('describe')) return describe(admin, o, io);
      if (o.has('reset-offsets')) return resetOffsets(admin, o, io);
      if (o.has('delete-offsets')) {
        const groupId = required(o, 'group');
        const partitions = [];
        for (const t of o.all('topic')) {
          const [topic, list] = t.split(':') as [string, string | undefined];
          const ids = list ? list.split(',').map(Number) : (await admin.describeTopics([topic]))[0]!.partitions.map((p) => p.partition);
          for (const partition of ids) partitions.push({ topic, partition });
        }
        const results = await admin.deleteGroupOffsets(groupId, partitions);
        io.stdout.write(`${table(['TOPIC', 'PARTITION', 'STATUS'], results.map((r) => [r.topic, r.partition, r.error ?? 'Successful']))}\n`);
        return results.every((r) => r.errorCode === 0) ? EXIT_OK : EXIT_FAILURE;
      }
      if (o.has('delete')) {
        const ids = o.has('all-groups') ? (await admin.listGroups()).map((g) => g.groupId) : o.all('group');
        if (ids.length === 0) throw new UsageError('--delete needs --group or --all-groups');
        const results = await admin.deleteGroups(ids);
        let ok = true;
        for (const r of results) {
          if (r.errorCode === 0) io.stdout.write(`Deletion of requested consumer groups ('${r.groupId}') was successful.\n`);
          else {
            ok = false;
            io.stderr.write(`Error: Deletion of group '${r.groupId}' failed: ${r.error}\n`);
          }
        }
        return ok ? EXIT_OK : EXIT_FAILURE;
      }
      throw new UsageError('one of --list, --describe, --delete, --reset-offsets, --delete-offsets is needed');
    });
  },
};
