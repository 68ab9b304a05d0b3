/**
 * Kafka's `sasl.jaas.config` values: one or more login modules, each
 * `<class> <required|requisite|sufficient|optional> key=value ... ;`, values quoted with double
 * quotes (with backslash escapes) or bare words. The broker reads PLAIN's users from the options
 * of PlainLoginModule (`user_<name>="<password>"`) and its own client credentials from
 * `username` / `password`.
 */
export interface JaasModule {
  loginModule: string;
  flag: string;
  options: Record<string, string>;
}

export class JaasConfigError extends Error {
  override readonly name = 'JaasConfigError';
}

const FLAGS = new Set(['required', 'requisite', 'sufficient', 'optional']);

/** Splits the text into words, quoted strings, '=' and ';'. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === ';') {
      out.push(c);
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) throw new JaasConfigError('sasl.jaas.config: a quoted value is not closed');
      i++;
      out.push(`"${value}`); // marked as quoted
    } else {
      let word = '';
      while (i < text.length && !/[\s=;"]/.test(text[i]!)) word += text[i++];
      out.push(word);
    }
  }
  return out;
}

const unquote = (t: string): string => (t.startsWith('"') ? t.slice(1) : t);

export function parseJaasConfig(text: string): JaasModule[] {
  const ts = tokens(text);
  const modules: JaasModule[] = [];
  let i = 0;
  while (i < ts.length) {
    const loginModule = ts[i++]!;
    const flag = (ts[i++] ?? '').toLowerCase();
    if (!FLAGS.has(flag)) throw new JaasConfigError(`sasl.jaas.config: login module ${loginModule} needs a flag (required, requisite, sufficient or optional)`);
    const options: Record<string, string> = {};
    while (i < ts.length && ts[i] !== ';') {
      const key = ts[i++]!;
      if (ts[i++] !== '=' || i >= ts.length || ts[i] === ';') throw new JaasConfigError(`sasl.jaas.config: option ${key} of ${loginModule} has no value`);
      options[unquote(key)] = unquote(ts[i++]!);
    }
    if (ts[i] !== ';') throw new JaasConfigError(`sasl.jaas.config: login module ${loginModule} must end with ';'`);
    i++;
    modules.push({ loginModule, flag, options });
  }
  if (modules.length === 0) throw new JaasConfigError('sasl.jaas.config: no login module');
  return modules;
}

/** PLAIN's users (`user_<name>` options) of the PlainLoginModule in a JAAS config. */
export function plainUsers(modules: readonly JaasModule[]): Map<string, string> {
  const users = new Map<string, string>();
  for (const m of modules) {
    if (!m.loginModule.endsWith('PlainLoginModule')) continue;
    for (const [k, v] of Object.entries(m.options)) if (k.startsWith('user_')) users.set(k.slice('user_'.length), v);
  }
  return users;
}
