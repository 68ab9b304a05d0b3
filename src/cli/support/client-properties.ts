/**
 * Client settings given the way Kafka's tools take them: --producer-property / --consumer-property
 * key=value options and --producer.config / --consumer.config / --command-config files.
 */
import { readFileSync } from 'node:fs';
import { parseProperties } from '../../common/config/properties.js';
import { keyValues, UsageError, type ParsedOptions } from './options.js';

export function clientProperties(o: ParsedOptions, propertyOption: string, fileOption: string): Map<string, string> {
  const out = new Map<string, string>();
  const file = o.get(fileOption);
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    for (const [k, v] of parseProperties(text)) out.set(k, v);
  }
  for (const [k, v] of keyValues(o.all(propertyOption), '\u0000')) out.set(k, v);
  return out;
}

/** --property key=value settings of the console tools (print.key, key.separator, parse.key, ...). */
export function toolProperties(o: ParsedOptions): Map<string, string> {
  return keyValues(o.all('property'), '\u0000');
}

export function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value.trim().toLowerCase() === 'true';
}

/** Java-style escapes in separators given on the command line (\t, \n). */
export function unescapeSeparator(s: string): string {
  return s.replace(/\\t/g, '\t').replace(/\\n/g, '\n').replace(/\\r/g, '\r');
}
