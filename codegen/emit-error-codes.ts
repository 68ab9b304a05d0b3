/**
 * Emits error-codes.ts from Kafka's error-code table (code, name, retriable).
 */
import { generatedHeader } from './emit-message.js';

export interface ErrorRow {
  code: number;
  name: string;
  retriable: boolean;
}

export function parseErrorTable(tsv: string): ErrorRow[] {
  const rows = tsv.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const [head, ...body] = rows;
  if (head !== 'code\tname\tretriable') throw new Error(`unexpected error table header: ${head}`);
  return body.map((line) => {
    const [code, name, retriable] = line.split('\t');
    if (code === undefined || !name || (retriable !== 'true' && retriable !== 'false')) {
      throw new Error(`bad error table row: ${line}`);
    }
    return { code: Number(code), name, retriable: retriable === 'true' };
  });
}

export function emitErrorCodes(rows: ErrorRow[]): string {
  const lines = [generatedHeader('kafka-protocol/error-codes.tsv'), ''];
  lines.push('/** Kafka error codes by name. */', 'export const ErrorCode = {');
  for (const r of rows) lines.push(`  ${r.name}: ${r.code},`);
  lines.push('} as const;', '', 'export type ErrorCodeName = keyof typeof ErrorCode;', '');
  lines.push(
    'export interface KafkaErrorInfo {',
    '  code: number;',
    '  name: ErrorCodeName;',
    '  /** Whether Kafka clients retry a request that failed with this error. */',
    '  retriable: boolean;',
    '}',
    '',
    'export const KAFKA_ERRORS: readonly KafkaErrorInfo[] = [',
  );
  for (const r of rows) lines.push(`  { code: ${r.code}, name: '${r.name}', retriable: ${r.retriable} },`);
  lines.push(
    '];',
    '',
    'const BY_CODE = new Map<number, KafkaErrorInfo>(KAFKA_ERRORS.map((e) => [e.code, e]));',
    '',
    '/** The error with this code, or undefined for a code Kafka does not define. */',
    'export function errorInfo(code: number): KafkaErrorInfo | undefined {',
    '  return BY_CODE.get(code);',
    '}',
  );
  return lines.join('\n') + '\n';
}
