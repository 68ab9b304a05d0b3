/**
 * The `gregor` command. Each subcommand is an entry in COMMANDS; `gregor --help` lists them.
 * The CLI talks to brokers over the wire like any client (see docs/architecture.md).
 */
import { readFileSync } from 'node:fs';

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
    summary: 'start a broker on 127.0.0.1:9092 (not yet available: the protocol layer is in place)',
    async run() {
      console.error(
        'gregor serve: the broker is not available in this version yet.\n' +
          'This build contains the protocol layer (codecs for every Kafka API, record batches, compression).',
      );
      return 2;
    },
  },
};

function usage(): string {
  const lines = ['Usage: gregor <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Options:', '  --help     show this help', '  --version  print the version');
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
  const command = COMMANDS[name];
  if (!command) {
    console.error(`gregor: unknown command '${name}'. Run 'gregor --help' for the list.`);
    return 1;
  }
  return command.run(rest);
}
