/**
 * kafka-share-groups: list, describe (members and their partitions, or the state) and delete
 * share groups (KIP-932), with the flags of Kafka's tool.
 */
import { UsageError, type ParsedOptions } from '../support/options.js';
import { EXIT_FAILURE, EXIT_OK, table, type Io } from '../support/output.js';
import { withAdmin } from '../support/connect.js';
import { BOOTSTRAP_OPTIONS, bootstrapOf, type Tool } from './tool.js';
import type { Admin } from '../../client/admin/admin.js';

async function groupIds(admin: Admin, o: ParsedOptions): Promise<string[]> {
  if (o.has('all-groups')) return (await admin.listGroups({ types: ['share'] })).map((g) => g.groupId);
  const ids = o.all('group');
  if (ids.length === 0) throw new UsageError('--group or --all-groups is needed');
  return ids;
}

async function describe(admin: Admin, o: ParsedOptions, io: Io): Promise<number> {
  const groups = await admin.describeShareGroups(await groupIds(admin, o));
  let ok = true;
  const json: unknown[] = [];
  for (const g of groups) {
    if (g.errorCode !== 0) {
      io.stderr.write(`Error: Share group '${g.groupId}' does not exist.\n`);
      ok = false;
      continue;
    }
    json.push(g);
    if (o.has('json')) continue;
    if (o.has('state')) {
      io.stdout.write(`\n${table(['GROUP', 'ASSIGNMENT-STRATEGY', 'STATE', 'GROUP-EPOCH', '#MEMBERS'], [[g.groupId, g.assignor, g.state, g.groupEpoch, g.members.length]])}\n`);
      continue;
    }
    if (g.members.length === 0) {
      io.stdout.write(`\nShare group '${g.groupId}' has no active members.\n`);
      continue;
    }
    io.stdout.write(`\n${table(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', 'MEMBER-EPOCH', 'ASSIGNMENT'], g.members.map((m) => [
      g.groupId, m.memberId, m.clientHost, m.clientId, m.memberEpoch,
      Object.entries(m.assignment).map(([t, ps]) => `${t}:${ps.join(',')}`).join(';') || '-',
    ]))}\n`);
  }
  if (o.has('json')) io.stdout.write(`${JSON.stringify(json)}\n`);
  return ok ? EXIT_OK : EXIT_FAILURE;
}

export const kafkaShareGroups: Tool = {
  name: 'kafka-share-groups',
  summary: 'list, describe and delete share groups (queues)',
  options: [
    ...BOOTSTRAP_OPTIONS,
    { name: 'list', doc: 'List the share groups.' },
    { name: 'describe', doc: 'Describe share groups: members and their partitions (default, or --members), or --state.' },
    { name: 'delete', doc: 'Delete share groups (they must have no members).' },
    { name: 'group', value: 'id', repeatable: true, doc: 'The group.' },
    { name: 'all-groups', doc: 'Every share group.' },
    { name: 'members', doc: 'With --describe: list members (the default).' },
    { name: 'state', value: 'state', defaultWhenBare: '', doc: 'With --describe: show the group state; with --list: filter by state.' },
    { name: 'verbose', doc: 'More detail (accepted).' },
    { name: 'json', doc: 'Print JSON.' },
  ],
  examples: [
    'kafka-share-groups --bootstrap-server localhost:9092 --list',
    'kafka-share-groups --bootstrap-server localhost:9092 --describe --group my-share-group',
  ],
  async run(o, io) {
    const actions = ['list', 'describe', 'delete'].filter((a) => o.has(a));
    if (actions.length !== 1) throw new UsageError('exactly one of --list, --describe, --delete is needed');
    if (!o.has('list') && !o.has('group') && !o.has('all-groups')) throw new UsageError(`--${actions[0]} needs --group or --all-groups`);
    return withAdmin(bootstrapOf(o), async (admin) => {
      if (o.has('list')) {
        const state = o.get('state');
        const groups = await admin.listGroups({ types: ['share'], ...(state ? { states: state.split(',') } : {}) });
        if (o.has('json')) io.stdout.write(`${JSON.stringify(groups)}\n`);
        else if (state !== undefined) io.stdout.write(`${table(['GROUP', 'STATE'], groups.map((g) => [g.groupId, g.state ?? '-']))}\n`);
        else for (const g of groups) io.stdout.write(`${g.groupId}\n`);
        return EXIT_OK;
      }
      if (o.has('describe')) return describe(admin, o, io);
      const results = await admin.deleteGroups(await groupIds(admin, o));
      let ok = true;
      for (const r of results) {
        if (r.errorCode === 0) io.stdout.write(`Deletion of requested share groups ('${r.groupId}') was successful.\n`);
        else {
          ok = false;
          io.stderr.write(`Error: Deletion of share group '${r.groupId}' failed: ${r.error}\n`);
        }
      }
      return ok ? EXIT_OK : EXIT_FAILURE;
    });
  },
};
