/**
 * Gregor's own command names over the same tool implementations:
 *
 *   gregor topics create <topic> [--partitions n] ...   -> kafka-topics --create --topic <topic> ...
 *   gregor topics list|describe [topic]|alter <topic>|delete <topic>
 *   gregor produce <topic> [...]                        -> kafka-console-producer --topic <topic>
 *   gregor consume <topic> [...]                        -> kafka-console-consumer --topic <topic>
 *   gregor groups list|describe <group>|delete <group>|reset-offsets <group> [...]
 *   gregor configs describe|alter <topic> [...]         -> kafka-configs --entity-type topics
 *   gregor perf produce|consume <topic> [...]           -> kafka-producer-perf-test / kafka-consumer-perf-test
 *
 * `-b host:port` is short for --bootstrap-server. Everything else is passed to the tool, so its
 * options (and --help) apply.
 */
import { UsageError } from './support/options.js';

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
  configs: {
    tool: 'kafka-configs',
    actions: {
      describe: { flag: '--describe', subject: '--topic' },
      alter: { flag: '--alter', subject: '--topic' },
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
      throw new UsageError(`usage: gregor ${command} <topic> [options]`);
    }
    return { tool: command === 'produce' ? 'kafka-console-producer' : 'kafka-console-consumer', args: ['--topic', topic, ...more] };
  }
  if (command === 'perf') {
    const [kind, topic, ...more] = rest;
    if (kind !== 'produce' && kind !== 'consume') throw new UsageError('usage: gregor perf produce|consume <topic> [options]');
    const tool = kind === 'produce' ? 'kafka-producer-perf-test' : 'kafka-consumer-perf-test';
    return { tool, args: topic && !topic.startsWith('-') ? ['--topic', topic, ...more] : [topic ?? '', ...more].filter((a) => a !== '') };
  }
  const spec = ACTIONS[command];
  if (!spec) return undefined;
  const [action, ...more] = rest;
  if (action === undefined || action === '--help' || action === '-h') return { tool: spec.tool, args: ['--help'] };
  const a = spec.actions[action];
  if (!a) throw new UsageError(`gregor ${command}: unknown action '${action}' (${Object.keys(spec.actions).join(', ')})`);
  const out = [a.flag];
  if (a.subject && more[0] && !more[0].startsWith('-')) out.push(a.subject, more.shift()!);
  if (command === 'configs') out.push('--entity-type', 'topics');
  return { tool: spec.tool, args: [...out, ...more] };
}

export const NATIVE_COMMANDS: Record<string, string> = {
  topics: 'create | list | describe | alter | delete topics',
  produce: 'send lines from standard input to a topic',
  consume: 'print the records of a topic',
  groups: 'list | describe (with lag) | delete | reset-offsets consumer groups',
  configs: 'describe | alter topic configurations',
  perf: 'produce | consume: measure throughput and latency',
};
