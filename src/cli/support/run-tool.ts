/**
 * Runs a tool: parses its options, prints --help, and turns failures into one line and an exit
 * code.
 */
import { optionsHelp, parseOptions } from './options.js';
import { reportError, type Io } from './output.js';
import type { Tool } from '../tools/tool.js';

export function toolHelp(tool: Tool): string {
  return [`${tool.name}: ${tool.summary}`, '', 'Options:', optionsHelp(tool.options), '', 'Examples:', ...tool.examples.map((e) => `  ${e}`)].join('\n');
}

export async function runTool(tool: Tool, args: readonly string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${toolHelp(tool)}\n`);
    return 0;
  }
  let bootstrap: string | undefined;
  try {
    const options = parseOptions(tool.options, args);
    bootstrap = options.get('bootstrap-server') ?? options.get('broker-list');
    return await tool.run(options, io);
  } catch (e) {
    return reportError(e, tool.name, bootstrap ?? 'localhost:9092', io);
  }
}
