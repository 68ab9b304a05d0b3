/**
 * Gregor's own command names over the same tool implementations:
 *
 *   gregor topics create <topic> [--partitions n] ...   -> kafka-topics --create --topic <topic> ...
 *   gregor topics list|describe [topic]|alter <topic>|delete <topic>
 *   gregor produce <topic> [...]                        -> kafka-console-producer --topic <topic>
 *   gregor consume <topic> [...]                        -> kafka-console-consumer --topic <topic>
 *   gregor groups list|describe <group>|delete <group>|reset-offsets <group> [...]
 *   gregor share-groups list|describe <group>|delete <group>  -> kafka-share-groups
 *   gregor configs describe|alter <topic> [...]         -> kafka-configs --entity-type topics
 *   gregor perf produce|consume <topic> [...]           -> kafka-producer-perf-test / kafka-consumer-perf-test
 *
 * `-b host:port` is short for --bootstrap-server. Everything else is passed to the tool, so its
 * options (and --help) apply.
 */
import { optionsHelp, UsageError } from './support/options.js';
import { findTool } from './tools/index.js';

export interface Translation {
  tool: string;
  args: string[];
}

const ACTIONS: Record<string, { tool: string; actions: Record<string, { flag: string; subject?: string }> }> = {
  topics: {
    tool: 'kafka-topics',
    actions: {
      create: { flag: '--create', subject: '--topic' },
      list: { flag: '--list' },
      describe: { flag: '--describe', subject: '--topic' },
      alter: { flag: '--alter', subject: '--topic' },
      delete: { flag: '--delete', subject: '--topic' },
    },
  },
  groups: {
    tool: 'kafka-consumer-groups',
    actions: {
      list: { flag: '--list' },
      describe: { flag: '--describe', subject: '--group' },
      delete: { flag: '--delete', subject: '--group' },
      'reset-offsets': { flag: '--reset-offsets', subject: '--group' },
      'delete-offsets': { flag: '--delete-offsets', subject: '--group' },
    },
  },
  'share-groups': {
    tool: 'kafka-share-groups',
    actions: {
      list: { flag: '--list' },
      describe: { flag: '--describe', subject: '--group' },
      delete: { flag: '--delete', subject: '--group' },
    },
  },
  configs: {
    tool: 'kafka-configs',
    actions: {
      describe: { flag: '--describe', subject: '--topic' },
      alter: { flag: '--alter', subject: '--topic' },
    },
  },
  acls: {
    tool: 'kafka-acls',
    actions: {
      list: { flag: '--list' },
      add: { flag: '--add' },
      remove: { flag: '--remove' },
    },
  },
};

function shortFlags(args: string[]): string[] {
  return args.map((a) => (a === '-b' ? '--bootstrap-server' : a));
}

/** The tool invocation a Gregor command stands for, or undefined if `command` is not one. */
export function translate(command: string, args: string[]): Translation | undefined {
  const rest = shortFlags(args);
  if (command === 'produce' || command === 'consume') {
    const [topic, ...more] = rest;
    if (!topic || topic.startsWith('-')) {
      if (topic === '--help' || topic === '-h') return { tool: command === 'produce' ? 'kafka-console-producer' : 'kafka-console-consumer', args: ['--help'] };
      throw new UsageError(`a topic is needed: gregor ${command} <topic> [options]`);
    }
    if (command === 'produce') return { tool: 'kafka-console-producer', args: ['--topic', topic, ...more] };
    // gregor consume reads to the end and stops, unless --follow keeps it waiting for more
    const follow = more.includes('--follow');
    return { tool: 'kafka-console-consumer', args: ['--topic', topic, ...more.filter((a) => a !== '--follow'), ...(follow ? [] : ['--until-end'])] };
  }
  if (command === 'perf') {
    const [kind, topic, ...more] = rest;
    if (kind !== 'produce' && kind !== 'consume') throw new UsageError(`unknown action '${kind}' (produce, consume)`);
    const tool = kind === 'produce' ? 'kafka-producer-perf-test' : 'kafka-consumer-perf-test';
    return { tool, args: topic && !topic.startsWith('-') ? ['--topic', topic, ...more] : [topic ?? '', ...more].filter((a) => a !== '') };
  }
  const spec = ACTIONS[command];
  if (!spec) return undefined;
  const [action, ...more] = rest;
  if (action === undefined || action === '--help' || action === '-h') return { tool: spec.tool, args: ['--help'] };
  const a = spec.actions[action];
  if (!a) throw new UsageError(`unknown action '${action}' (${Object.keys(spec.actions).join(', ')})`);
  const out = [a.flag];
  if (a.subject && more[0] && !more[0].startsWith('-')) out.push(a.subject, more.shift()!);
  if (command === 'configs') out.push('--entity-type', 'topics');
  return { tool: spec.tool, args: [...out, ...more] };
}

/** Usage lines and examples of each Gregor command, for `gregor <command> --help`. */
const NATIVE_HELP: Record<string, { usage: string[]; examples: string[]; tools: string[] }> = {
  topics: {
    usage: ['gregor topics create <topic> [--partitions n] [--config k=v]', 'gregor topics list', 'gregor topics describe [topic]', 'gregor topics alter <topic> --partitions n', 'gregor topics delete <topic>'],
    examples: ['gregor topics create orders --partitions 3', 'gregor topics list -b localhost:9092', 'gregor topics describe orders', 'gregor topics alter orders --partitions 6', 'gregor topics delete orders'],
    tools: ['kafka-topics'],
  },
  produce: {
    usage: ['gregor produce <topic> [options]   (one record per line of standard input)'],
    examples: ["echo 'hello' | gregor produce orders", 'gregor produce orders --property parse.key=true --property key.separator=:   (lines key:value)'],
    tools: ['kafka-console-producer'],
  },
  consume: {
    usage: ['gregor consume <topic> [options]   (runs until Ctrl-C, --max-messages or --timeout-ms)'],
    examples: ['gregor consume orders --from-beginning', 'gregor consume orders --group billing --max-messages 10', 'gregor consume orders --from-beginning --property print.key=true', 'gregor consume orders --from-beginning --json'],
    tools: ['kafka-console-consumer'],
  },
  groups: {
    usage: ['gregor groups list', 'gregor groups describe <group> [--members | --state]', 'gregor groups reset-offsets <group> --topic <topic> --to-earliest|--to-latest|--to-offset n|--shift-by n [--execute]', 'gregor groups delete <group>', 'gregor groups delete-offsets <group> --topic <topic>'],
    examples: ['gregor groups list', 'gregor groups describe billing', 'gregor groups reset-offsets billing --topic orders --to-earliest --execute', 'gregor groups delete billing'],
    tools: ['kafka-consumer-groups'],
  },
  configs: {
    usage: ['gregor configs describe <topic> [--all]', 'gregor configs alter <topic> --add-config k=v[,k=v] | --delete-config k[,k]'],
    examples: ['gregor configs describe orders', 'gregor configs alter orders --add-config retention.ms=86400000', 'gregor configs alter orders --delete-config retention.ms'],
    tools: ['kafka-configs'],
  },
  acls: {
    usage: ['gregor acls list [--topic t | --group g | --cluster] [--principal User:x]', 'gregor acls add --allow-principal User:x --operation Read --topic t [--group g]', 'gregor acls remove --force --allow-principal User:x --operation Read --topic t'],
    examples: ['gregor acls add --allow-principal User:alice --operation Read --topic orders --group billing', 'gregor acls add --allow-principal User:bob --producer --topic orders', 'gregor acls list --topic orders', 'gregor acls remove --force --allow-principal User:alice --operation Read --topic orders'],
    tools: ['kafka-acls'],
  },
  perf: {
    usage: ['gregor perf produce <topic> --num-records n [--record-size bytes] [--throughput n|-1]', 'gregor perf consume <topic> --messages n'],
    examples: ['gregor perf produce perf-test --num-records 100000 --record-size 100 --throughput -1', 'gregor perf consume perf-test --messages 100000'],
    tools: ['kafka-producer-perf-test', 'kafka-consumer-perf-test'],
  },
};

/**
 * The help text of a Gregor command when `args` ask for it (--help, -h, or no action), or
 * undefined: usage, examples, and the options of the tool(s) it runs.
 */
export function nativeHelp(command: string, args: readonly string[]): string | undefined {
  const h = NATIVE_HELP[command];
  if (!h) return undefined;
  const bare = args.length === 0 && command !== 'produce' && command !== 'consume';
  if (!bare && !args.includes('--help') && !args.includes('-h')) return undefined;
  const out = [`gregor ${command}: ${NATIVE_COMMANDS[command]}`, '', 'Usage:', ...h.usage.map((u) => `  ${u}`), '',
    'Examples:', ...h.examples.map((e) => `  ${e}`), '',
    '-b host:port is short for --bootstrap-server (default localhost:9092).'];
  for (const name of h.tools) {
    const tool = findTool(name);
    if (tool) out.push('', `Options (those of ${name}${h.tools.length > 1 ? `, for ${name === h.tools[0] ? 'produce' : 'consume'}` : ''}):`, optionsHelp(tool.options));
  }
  return out.join('\n');
}

export const NATIVE_COMMANDS: Record<string, string> = {
  topics: 'create | list | describe | alter | delete topics',
  produce: 'send lines from standard input to a topic',
  consume: 'print the records of a topic',
  groups: 'list | describe (with lag) | delete | reset-offsets consumer groups',
  configs: 'describe | alter topic configurations',
  acls: 'list | add | remove ACLs',
  perf: 'produce | consume: measure throughput and latency',
};
