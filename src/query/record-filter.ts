/**
 * The record filter of the console's message browser and of topic queries, evaluated where the
 * records are read (in the broker), never in the browser. A record matches when every given part
 * matches:
 *
 *   key=<text>        the key, as UTF-8, contains the text
 *   value=<text>      the value, as UTF-8, contains the text
 *   header=<text>     some header's name or value contains the text
 *   keyRegex=<re>     the key, as UTF-8, matches the JavaScript regular expression
 *   valueRegex=<re>   the value, as UTF-8, matches it
 *   where=<pred>      the value as JSON satisfies each predicate; several are joined by `&&`
 *                     (or given as several `where` parameters). The JSON is the value's text, or,
 *                     for a query that decodes through the schema registry, the decoded record.
 *
 * A predicate is `<path> <op> <literal>` or `<path> exists`. The path walks the JSON value with
 * dots and [index] (a leading `$.` or `value.` is optional): `user.id`, `items[0].sku`. Operators:
 * `==` `!=` `>` `>=` `<` `<=` and `~=` (string contains). The literal is JSON (`42`, `"EU"`,
 * `true`, `null`) or a bare word taken as a string. Ordering compares numbers with numbers and
 * strings with strings; anything else does not match. A value that is not JSON matches no
 * predicate.
 *
 * Contract: pure; parse errors are thrown as MessageFilterError with a message for the user.
 */
export class MessageFilterError extends Error {}

type Op = '==' | '!=' | '>' | '>=' | '<' | '<=' | '~=' | 'exists';

interface Predicate {
  path: (string | number)[];
  op: Op;
  literal: unknown;
}

export interface MessageFilter {
  key?: string;
  value?: string;
  header?: string;
  keyRegex?: RegExp;
  valueRegex?: RegExp;
  where: Predicate[];
}

export interface FilterableRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly (readonly [string, Buffer | null])[];
}

const PREDICATE = /^\s*((?:\$\.)?[A-Za-z_$][\w$-]*(?:\.[A-Za-z_$][\w$-]*|\[\d+\])*)\s*(==|!=|>=|<=|>|<|~=|\s+exists\s*$)\s*(.*?)\s*$/;

function parsePath(text: string): (string | number)[] {
  const stripped = text.replace(/^\$\./, '').replace(/^value\./, '');
  const out: (string | number)[] = [];
  for (const m of stripped.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

function parseLiteral(text: string, predicate: string): unknown {
  if (text === '') throw new MessageFilterError(`'${predicate}' has no value to compare with`);
  try {
    return JSON.parse(text);
  } catch {
    if (/^[\w.:@/-]+$/.test(text)) return text;
    throw new MessageFilterError(`'${text}' in '${predicate}' is neither JSON nor a bare word; quote strings: "like this"`);
  }
}

export function parsePredicate(text: string): Predicate {
  const m = PREDICATE.exec(text);
  if (!m) throw new MessageFilterError(`'${text.trim()}' is not a predicate: write <field> <op> <value> with op one of == != > >= < <= ~=, or <field> exists (for example: amount > 10)`);
  const op = m[2]!.trim() as Op;
  if (op === 'exists') return { path: parsePath(m[1]!), op, literal: undefined };
  return { path: parsePath(m[1]!), op, literal: parseLiteral(m[3]!, text.trim()) };
}

/** The filter of the message browser's query parameters. */
export function parseMessageFilter(query: URLSearchParams): MessageFilter {
  const text = (name: string) => {
    const v = query.get(name);
    return v === null || v === '' ? undefined : v;
  };
  const where = query.getAll('where').flatMap((w) => w.split('&&')).filter((w) => w.trim() !== '').map(parsePredicate);
  const regex = (name: string) => {
    const source = text(name);
    if (source === undefined) return undefined;
    try {
      return new RegExp(source, 'u');
    } catch (e) {
      throw new MessageFilterError(`${name} '${source}' is not a regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
    }
  };
  return { key: text('key'), value: text('value'), header: text('header'), keyRegex: regex('keyRegex'), valueRegex: regex('valueRegex'), where };
}

export function isEmptyFilter(f: MessageFilter): boolean {
  return f.key === undefined && f.value === undefined && f.header === undefined && !f.keyRegex && !f.valueRegex && f.where.length === 0;
}

function at(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const step of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}

function compare(actual: unknown, op: Op, literal: unknown): boolean {
  switch (op) {
    case 'exists': return actual !== undefined;
    case '==': return JSON.stringify(actual) === JSON.stringify(literal);
    case '!=': return actual !== undefined && JSON.stringify(actual) !== JSON.stringify(literal);
    case '~=': return typeof actual === 'string' && typeof literal === 'string' && actual.includes(literal);
    default: {
      const comparable = (typeof actual === 'number' && typeof literal === 'number') || (typeof actual === 'string' && typeof literal === 'string');
      if (!comparable) return false;
      const a = actual as number | string;
      const b = literal as number | string;
      return op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b;
    }
  }
}

function contains(bytes: Buffer | null, text: string): boolean {
  return bytes !== null && bytes.includes(text, 0, 'utf8');
}

/** A value's JSON: parsed from its text by default; `undefined` when it has none. */
export type JsonOf = (value: Buffer) => unknown;

export const jsonOfText: JsonOf = (value) => {
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
};

export function matches(f: MessageFilter, r: FilterableRecord, jsonOf: JsonOf = jsonOfText): boolean {
  if (f.key !== undefined && !contains(r.key, f.key)) return false;
  if (f.value !== undefined && !contains(r.value, f.value)) return false;
  if (f.header !== undefined && !r.headers.some(([name, value]) => name.includes(f.header!) || contains(value, f.header!))) return false;
  if (f.keyRegex && (r.key === null || !f.keyRegex.test(r.key.toString('utf8')))) return false;
  if (f.valueRegex && (r.value === null || !f.valueRegex.test(r.value.toString('utf8')))) return false;
  if (f.where.length > 0) {
    if (r.value === null) return false;
    const json = jsonOf(r.value);
    if (json === undefined) return false;
    return f.where.every((p) => compare(at(json, p.path), p.op, p.literal));
  }
  return true;
}
