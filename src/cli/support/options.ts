/**
 * Command-line options the way Kafka's tools read them (jopt-simple): `--name value`,
 * `--name=value`, repeatable options, flags without values, and any unambiguous prefix of an
 * option name (`--bootstrap-serve` is `--bootstrap-server`). Declared as data per tool, which
 * also yields its --help text.
 */
export interface OptionSpec {
  name: string;
  /** Takes a value (otherwise a flag). */
  value?: string;
  repeatable?: boolean;
  /** For an option with a value: what to use when it is given without one. */
  defaultWhenBare?: string;
  doc: string;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ParsedOptions {
  has(name: string): boolean;
  get(name: string): string | undefined;
  all(name: string): string[];
  positional: string[];
}

function resolve(specs: readonly OptionSpec[], given: string): OptionSpec {
  const exact = specs.find((s) => s.name === given);
  if (exact) return exact;
  const matches = specs.filter((s) => s.name.startsWith(given));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new UsageError(`option --${given} is ambiguous: ${matches.map((m) => `--${m.name}`).join(', ')}`);
  throw new UsageError(`unknown option --${given}`);
}

export function parseOptions(specs: readonly OptionSpec[], args: readonly string[]): ParsedOptions {
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const spec = resolve(specs, arg.slice(2, eq > 0 ? eq : undefined));
    let value: string | undefined;
    if (spec.value) {
      if (eq > 0) value = arg.slice(eq + 1);
      else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) value = args[++i];
      else if (spec.defaultWhenBare !== undefined) value = spec.defaultWhenBare;
      else throw new UsageError(`option --${spec.name} requires a value (${spec.value})`);
    } else if (eq > 0) {
      throw new UsageError(`option --${spec.name} takes no value`);
    }
    const list = values.get(spec.name) ?? [];
    if (list.length > 0 && !spec.repeatable && spec.value) list.length = 0;
    list.push(value ?? '');
    values.set(spec.name, list);
  }
  return {
    has: (name) => values.has(name),
    get: (name) => values.get(name)?.at(-1),
    all: (name) => values.get(name) ?? [],
    positional,
  };
}

export function optionsHelp(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => [`--${s.name}${s.value ? ` <${s.value}>` : ''}`, s.doc] as const);
  const width = Math.max(...rows.map(([a]) => a.length)) + 2;
  return rows.map(([a, d]) => `  ${a.padEnd(width)}${d}`).join('\n');
}

/** `k=v` pairs from repeated options and comma-separated lists. */
export function keyValues(items: readonly string[], separator = ','): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items) {
    for (const part of item.split(separator)) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) throw new UsageError(`expected key=value, got '${part}'`);
      out.set(part.slice(0, eq).trim(), part.slice(eq + 1));
    }
  }
  return out;
}
