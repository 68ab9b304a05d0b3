/**
 * Emits api-registry.ts: the table of API keys (request/response pairs with their version ranges,
 * flexible versions and codecs), typed request/response maps, and the header-version rules.
 */
import type { Message } from './schema.js';
import { generatedHeader } from './emit-message.js';

export interface ApiPair {
  apiKey: number;
  request: Message;
  response: Message;
}

function apiName(request: Message): string {
  return request.name.replace(/Request$/, '');
}

export function pairApis(messages: Message[]): ApiPair[] {
  const byKey = new Map<number, Partial<ApiPair>>();
  for (const m of messages) {
    if (m.apiKey === undefined || (m.type !== 'request' && m.type !== 'response')) continue;
    const entry = byKey.get(m.apiKey) ?? { apiKey: m.apiKey };
    entry[m.type] = m;
    byKey.set(m.apiKey, entry);
  }
  return [...byKey.values()]
    .map((e) => {
      if (!e.request || !e.response) throw new Error(`API key ${e.apiKey} lacks a request or a response`);
      return e as ApiPair;
    })
    .sort((a, b) => a.apiKey - b.apiKey);
}

export function emitRegistry(pairs: ApiPair[]): string {
  const lines = [generatedHeader('kafka-protocol/messages/*Request.json and *Response.json'), ''];
  lines.push("import type { Reader } from '../wire/reader.js';", "import type { Writer } from '../wire/writer.js';");
  for (const p of pairs) {
    for (const m of [p.request, p.response]) {
      lines.push(`import { decode${m.name}, encode${m.name}, type ${m.name} } from './messages/${m.name}.js';`);
    }
  }
  lines.push('', '/** Every API key Kafka defines, by name. */', 'export enum ApiKey {');
  for (const p of pairs) lines.push(`  ${apiName(p.request)} = ${p.apiKey},`);
  lines.push('}', '', '/** Request and response types by API key. */', 'export interface ApiMessages {');
  for (const p of pairs) lines.push(`  ${p.apiKey}: { request: ${p.request.name}; response: ${p.response.name} };`);
  lines.push('}', '');
  lines.push(
    'export interface ApiDefinition<Req = unknown, Res = unknown> {',
    '  apiKey: number;',
    '  name: string;',
    '  /** Versions both request and response define. */',
    '  minVersion: number;',
    '  maxVersion: number;',
    '  /** First flexible (KIP-482) version of the request, or null when none is. */',
    '  requestFlexibleMin: number | null;',
    '  responseFlexibleMin: number | null;',
    '  deprecatedMin: number | null;',
    '  listeners: readonly string[];',
    '  latestVersionUnstable: boolean;',
    '  decodeRequest(r: Reader, version: number): Req;',
    '  encodeRequest(w: Writer, value: Req, version: number): void;',
    '  decodeResponse(r: Reader, version: number): Res;',
    '  encodeResponse(w: Writer, value: Res, version: number): void;',
    '}',
    '',
    'export const API_DEFINITIONS: ReadonlyMap<number, ApiDefinition> = new Map<number, ApiDefinition>([',
  );
  const flexMin = (m: Message): string => (m.flexible.min <= m.flexible.max ? String(m.flexible.min) : 'null');
  for (const p of pairs) {
    const q = p.request;
    const s = p.response;
    lines.push(
      `  [${p.apiKey}, {`,
      `    apiKey: ${p.apiKey},`,
      `    name: '${apiName(q)}',`,
      `    minVersion: ${Math.max(q.valid.min, s.valid.min)},`,
      `    maxVersion: ${Math.min(q.valid.max, s.valid.max)},`,
      `    requestFlexibleMin: ${flexMin(q)},`,
      `    responseFlexibleMin: ${flexMin(s)},`,
      `    deprecatedMin: ${q.deprecated.min <= q.deprecated.max ? q.deprecated.min : 'null'},`,
      `    listeners: ${JSON.stringify(q.listeners)},`,
      `    latestVersionUnstable: ${q.latestVersionUnstable},`,
      `    decodeRequest: decode${q.name},`,
      `    encodeRequest: encode${q.name},`,
      `    decodeResponse: decode${s.name},`,
      `    encodeResponse: encode${s.name},`,
      `  } as ApiDefinition<${q.name}, ${s.name}> as ApiDefinition],`,
    );
  }
  lines.push(']);', '');
  lines.push(
    '/** The typed definition of one API. */',
    'export function apiDefinition<K extends keyof ApiMessages>(',
    '  apiKey: K,',
    "): ApiDefinition<ApiMessages[K]['request'], ApiMessages[K]['response']> {",
    "  return API_DEFINITIONS.get(apiKey) as ApiDefinition<ApiMessages[K]['request'], ApiMessages[K]['response']>;",
    '}',
    '',
    '/**',
    ' * Request header version for a request: 2 for flexible request versions, else 1, except',
    ' * ControlledShutdown v0, which uses header v0.',
    ' */',
    'export function requestHeaderVersion(apiKey: number, apiVersion: number): number {',
    '  const def = API_DEFINITIONS.get(apiKey);',
    '  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;',
    '  return def && def.requestFlexibleMin !== null && apiVersion >= def.requestFlexibleMin ? 2 : 1;',
    '}',
    '',
    '/**',
    ' * Response header version for a response: 1 for flexible response versions, else 0, except',
    ' * ApiVersions, whose response always uses header v0 so that any client can read it.',
    ' */',
    'export function responseHeaderVersion(apiKey: number, apiVersion: number): number {',
    '  if (apiKey === ApiKey.ApiVersions) return 0;',
    '  const def = API_DEFINITIONS.get(apiKey);',
    '  return def && def.responseFlexibleMin !== null && apiVersion >= def.responseFlexibleMin ? 1 : 0;',
    '}',
  );
  return lines.join('\n') + '\n';
}
