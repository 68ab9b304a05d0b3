/**
 * The protocol code generator: reads Kafka's message definitions, coordinator record schemas and
 * error-code table, and writes src/protocol/generated. Run with `npm run generate`.
 *
 *   node dist/codegen/main.js [--protocol <kafka-protocol dir>] [--out <generated dir>]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitErrorCodes, parseErrorTable } from './emit-error-codes.js';
import { emitMessage } from './emit-message.js';
import { emitRegistry, pairApis } from './emit-registry.js';
import { loadMessage, type Message } from './schema.js';

/** The repository root, found from this module's location (dist/codegen or codegen). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'gregor') return dir;
    } catch {
      // keep climbing
    }
    dir = dirname(dir);
  }
  throw new Error('cannot find the gregor package root');
}

export function defaultProtocolDir(): string {
  return process.env.GREGOR_KAFKA_PROTOCOL_DIR ?? resolve(repoRoot(), '..', 'shared', 'kafka-protocol');
}

export function defaultOutDir(): string {
  return join(repoRoot(), 'src', 'protocol', 'generated');
}

function loadDir(dir: string, sourcePrefix: string): Message[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadMessage(join(dir, f), `${sourcePrefix}/${f}`));
}

/** Generates every module into outDir (replacing what was there) and returns their relative paths. */
export function generate(protocolDir: string, outDir: string): string[] {
  const messages = loadDir(join(protocolDir, 'messages'), 'kafka-protocol/messages');
  const records = loadDir(join(protocolDir, 'coordinator-records'), 'kafka-protocol/coordinator-records');
  const files = new Map<string, string>();
  for (const m of messages) files.set(`messages/${m.name}.ts`, emitMessage(m, m.source));
  for (const m of records) files.set(`coordinator-records/${m.name}.ts`, emitMessage(m, m.source));
  files.set('api-registry.ts', emitRegistry(pairApis(messages)));
  const errors = parseErrorTable(readFileSync(join(protocolDir, 'error-codes.tsv'), 'utf8'));
  files.set('error-codes.ts', emitErrorCodes(errors));
  for (const sub of ['messages', 'coordinator-records']) {
    rmSync(join(outDir, sub), { recursive: true, force: true });
    mkdirSync(join(outDir, sub), { recursive: true });
  }
  for (const [path, text] of files) writeFileSync(join(outDir, path), text);
  return [...files.keys()].sort();
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const protocolDir = argValue(args, '--protocol') ?? defaultProtocolDir();
  const outDir = argValue(args, '--out') ?? defaultOutDir();
  const written = generate(protocolDir, outDir);
  console.log(`generated ${written.length} modules into ${outDir}`);
}
