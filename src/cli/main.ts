/**
 * The `gregor` command. Each subcommand is an entry in COMMANDS; `gregor --help` lists them.
 * The CLI talks to brokers over the wire like any client (see docs/architecture.md).
 */
import { readFileSync } from 'node:fs';
import { serve } from './serve.js';
import { clusterUp } from './cluster-up.js';
import { findTool, TOOLS } from './tools/index.js';
import { runTool } from './support/run-tool.js';
import { processIo, reportError } from './support/output.js';
import { NATIVE_COMMANDS, nativeHelp, translate } from './native-commands.js';
import { queryCommand } from './query.js';

interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'start a broker (default 127.0.0.1:9092, data in ./data); gregor serve --help',
    run: serve,
  },
  cluster: {
    summary: 'start a local cluster: etcd and N brokers (gregor cluster up --brokers 3); gregor cluster --help',
    run: clusterUp,
  },
  query: {
    summary: 'scan a topic on the broker and print the records that match (filters, time and offset ranges); gregor query --help',
    run: queryCommand,
  },
};

function usage(): string {
  const lines = ['Usage: gregor <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(24)} ${c.summary}`);
  for (const [name, summary] of Object.entries(NATIVE_COMMANDS)) lines.push(`  ${name.padEnd(24)} ${summary}`);
  lines.push('', "Kafka's tools, with Kafka's flags (also installed as kafka-*.sh executables):");
  for (const t of TOOLS) lines.push(`  ${t.name.padEnd(24)} ${t.summary}`);
  lines.push('', 'Options:', '  --help     show this help (also: gregor <command> --help)', '  --version  print the version');
  lines.push('', 'Examples:',
    '  gregor serve',
    '  gregor cluster up --brokers 3',
    '  gregor topics create orders --partitions 3',
    "  echo 'hello' | gregor produce orders",
    '  gregor consume orders --from-beginning',
    '  gregor groups describe billing -b localhost:9092',
    '  kafka-topics.sh --describe --topic orders --bootstrap-server localhost:9092');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-V') {
    console.log(packageVersion());
    return 0;
  }
  const tool = findTool(name);
  if (tool) return runTool(tool, rest, processIo);
  const help = nativeHelp(name, rest);
  if (help !== undefined) {
    console.log(help);
    return 0;
  }
  try {
    const t = translate(name, rest);
    if (t) return runTool(findTool(t.tool)!, t.args, processIo);
  } catch (e) {
    return reportError(e, `gregor ${name}`, undefined, processIo);
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`gregor: unknown command '${name}' (see 'gregor --help' for the list)`);
    return 2;
  }
  return command.run(rest);
}
