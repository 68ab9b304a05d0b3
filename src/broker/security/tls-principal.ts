/**
 * The principal of a TLS client certificate, as Kafka names it: the certificate subject's
 * distinguished name in RFC 2253 form (most specific first: `CN=app,OU=eng,O=acme,C=DE`), mapped by
 * `ssl.principal.mapping.rules`: a list of `RULE:<pattern>/<replacement>/[L|U]` and `DEFAULT`,
 * the first rule whose pattern matches the whole name wins (`$1` in the replacement is a group,
 * L and U lower- or upper-case the result), DEFAULT keeps the name as it is. No matching rule
 * is an error, as in Kafka.
 */
import { ConfigError } from '../../common/config/config-def.js';

export type PrincipalRule = { kind: 'default' } | { kind: 'rule'; pattern: RegExp; replacement: string; caseChange: '' | 'L' | 'U' };

/** Reads up to the next unescaped '/', returning the text (escapes kept) and where it ended. */
function untilSlash(text: string, from: number): { part: string; end: number } | undefined {
  let i = from;
  while (i < text.length) {
    if (text[i] === '\\' && i + 1 < text.length) i += 2;
    else if (text[i] === '/') return { part: text.slice(from, i), end: i };
    else i++;
  }
  return undefined;
}

export function parsePrincipalRules(text: string): PrincipalRule[] {
  const rules: PrincipalRule[] = [];
  let i = 0;
  const bad = (why: string): never => {
    throw new ConfigError('ssl.principal.mapping.rules', `${why} in '${text}'`);
  };
  while (i < text.length) {
    while (i < text.length && /[\s,]/.test(text[i]!)) i++;
    if (i >= text.length) break;
    if (text.startsWith('DEFAULT', i)) {
      rules.push({ kind: 'default' });
      i += 'DEFAULT'.length;
      continue;
    }
    if (!text.startsWith('RULE:', i)) bad(`expected RULE: or DEFAULT at position ${i}`);
    const pattern = untilSlash(text, i + 5) ?? bad('a rule needs RULE:pattern/replacement/');
    const replacement = untilSlash(text, pattern.end + 1) ?? bad('a rule needs RULE:pattern/replacement/');
    i = replacement.end + 1;
    let caseChange: '' | 'L' | 'U' = '';
    if (text[i] === 'L' || text[i] === 'U') caseChange = text[i++] as 'L' | 'U';
    let regex: RegExp;
    try {
      regex = new RegExp(`^(?:${pattern.part.replace(/\\\//g, '/')})$`);
    } catch (e) {
      return bad(`bad pattern ${pattern.part} (${(e as Error).message})`);
    }
    rules.push({ kind: 'rule', pattern: regex, replacement: replacement.part.replace(/\\\//g, '/'), caseChange });
  }
  if (rules.length === 0) bad('no rule');
  return rules;
}

/** The principal name for a distinguished name; undefined if no rule matches. */
export function mapPrincipal(dn: string, rules: readonly PrincipalRule[]): string | undefined {
  for (const r of rules) {
    if (r.kind === 'default') return dn;
    const m = r.pattern.exec(dn);
    if (!m) continue;
    const out = r.replacement.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
    return r.caseChange === 'L' ? out.toLowerCase() : r.caseChange === 'U' ? out.toUpperCase() : out;
  }
  return undefined;
}

const RFC2253_SPECIAL = /[,+"\\<>;]/g;

/**
 * RFC 2253 form of a subject as node:crypto's X509Certificate prints it (one `key=value` per
 * line, least specific first).
 */
export function rfc2253(subject: string): string {
  return subject.split('\n').filter((l) => l.includes('=')).reverse().map((line) => {
    const i = line.indexOf('=');
    const value = line.slice(i + 1).replace(RFC2253_SPECIAL, (c) => `\\${c}`).replace(/^[ #]|[ ]$/g, (c) => `\\${c}`);
    return `${line.slice(0, i)}=${value}`;
  }).join(',');
}
