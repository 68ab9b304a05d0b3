/**
 * Regular-expression subscriptions of the consumer group protocol (KIP-848), matched on the
 * broker as Kafka does it: a topic is subscribed when the whole name matches (Java's `matches`),
 * with RE2/J's syntax and its guarantee of matching in time linear in the name's length.
 *
 * Engine: V8's linear-time regular-expression engine (the RegExp `l` flag, switched on with the
 * `--enable-experimental-regexp-engine` V8 flag when this module loads), the same automaton
 * approach as RE2, so no subscription can stall the broker. Like RE2 it refuses backreferences
 * and lookaround. RE2/J syntax that JavaScript spells differently is translated first:
 *
 *   (?s) (?m) at the very start       become RegExp flags
 *   (?i) at the very start            letters become both cases ([oO][rR]...; a-z inside brackets
 *                                     gains A-Z), as the linear engine has no case-folding flag
 *   (?P<name>...)                     becomes (?<name>...)
 *   \Q...\E                           becomes the escaped literal text
 *   [[:alpha:]] and the other POSIX classes inside brackets become their ASCII ranges
 *
 * Differences that remain: inline flags elsewhere than at the start, Unicode classes (\pL) and
 * \C are refused (topic names are ASCII letters, digits, '.', '_' and '-', so they add nothing);
 * a repeat count above 1000 is refused, as RE2 does; \d, \w and \s are ASCII, as in RE2.
 *
 * Contract: pure; compiled patterns are cached by source.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--enable-experimental-regexp-engine');

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

export class TopicRegexError extends Error {
  constructor(pattern: string, reason: string) {
    super(`Invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
    this.name = 'TopicRegexError';
  }
}

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Makes every ASCII letter of a pattern match both cases (outside escapes). */
function foldCase(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      out += ch + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      const range = /^([a-zA-Z])-([a-zA-Z])/.exec(source.slice(i));
      if (range) {
        const [lo, hi] = [range[1]!, range[2]!];
        const other = lo === lo.toLowerCase() ? `${lo.toUpperCase()}-${hi.toUpperCase()}` : `${lo.toLowerCase()}-${hi.toLowerCase()}`;
        out += `${range[0]}${other}`;
        i += 2;
        continue;
      }
      out += /[a-zA-Z]/.test(ch) ? ch.toLowerCase() + ch.toUpperCase() : ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (source[i + 1] === '^') {
        out += '^';
        i++;
      }
      continue;
    }
    if (ch === '(' && source[i + 1] === '?') {
      // group syntax ((?:, (?<name>) is not text
      const m = /^\(\?(?::|<[A-Za-z_][A-Za-z0-9_]*>|P<[A-Za-z_][A-Za-z0-9_]*>)/.exec(source.slice(i));
      if (m) {
        out += m[0];
        i += m[0].length - 1;
        continue;
      }
    }
    out += /[a-zA-Z]/.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : ch;
  }
  return out;
}

/** Translates RE2/J syntax to a JavaScript source and flags. */
export function translateRe2(pattern: string): { source: string; flags: string } {
  let flags = '';
  let rest = pattern;
  const leading = /^\(\?([ism]+)\)/.exec(rest);
  if (leading) {
    flags = [...new Set(leading[1]!)].join('');
    rest = rest.slice(leading[0].length);
  }
  if (/\(\?[ismU-]+[):]/.test(rest)) throw new TopicRegexError(pattern, 'inline flags are supported only at the start');
  rest = rest.replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_m, lit: string) => escapeLiteral(lit));
  rest = rest.replace(/\(\?P</g, '(?<');
  rest = rest.replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
    const cls = POSIX_CLASSES[name];
    if (!cls) throw new TopicRegexError(pattern, `unknown character class ${m}`);
    if (neg) throw new TopicRegexError(pattern, `negated class ${m} is not supported`);
    return cls;
  });
  if (/\\[pPC]/.test(rest)) throw new TopicRegexError(pattern, 'Unicode classes and \\C are not supported in topic regexes');
  if (flags.includes('i')) {
    rest = foldCase(rest);
    flags = flags.replace('i', '');
  }
  for (const m of rest.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) {
    if (Number(m[1]) > 1000 || (m[2] !== undefined && m[2] !== '' && Number(m[2]) > 1000)) throw new TopicRegexError(pattern, 'bad repetition operator');
  }
  return { source: rest, flags };
}

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 1000;

/** Compiles a subscription regex (whole-name match); throws TopicRegexError when it is invalid. */
export function compileTopicRegex(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const { source, flags } = translateRe2(pattern);
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source})$`, `${flags}l`);
  } catch (e) {
    throw new TopicRegexError(pattern, (e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(pattern, re);
  return re;
}

/** The error message when `pattern` is not a valid subscription regex, undefined when it is. */
export function topicRegexError(pattern: string): string | undefined {
  try {
    compileTopicRegex(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
