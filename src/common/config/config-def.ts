/**
 * Configuration declared once as data: each setting's name, type, default (as Kafka writes it),
 * validation and documentation. The same definitions parse properties files and overrides,
 * answer DescribeConfigs and print --help.
 */
export type ConfigType = 'boolean' | 'int' | 'long' | 'double' | 'string' | 'list' | 'password';

export type ConfigValue = boolean | number | string | string[] | null;

export interface ConfigDef {
  name: string;
  type: ConfigType;
  /** Kafka's default, in the textual form a properties file would hold; null for none. */
  default: string | null;
  doc: string;
  /** Returns an error message for an invalid (already typed) value. */
  validate?: (value: ConfigValue) => string | undefined;
  /** Broker settings that supply this topic setting's default, most specific first. */
  serverSynonyms?: readonly string[];
  sensitive?: boolean;
  /**
   * Broker settings that can be changed at runtime (Kafka's dynamic broker configs): 'per-broker'
   * ones only for one broker, 'cluster-wide' ones also as the cluster default.
   */
  dynamic?: 'per-broker' | 'cluster-wide';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}

const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

/** Parses text into the setting's type; the range of long is checked exactly, then kept as number. */
export function parseConfigValue(def: ConfigDef, text: string | null): ConfigValue {
  if (text === null) return null;
  const t = text.trim();
  switch (def.type) {
    case 'boolean':
      if (t.toLowerCase() === 'true') return true;
      if (t.toLowerCase() === 'false') return false;
      throw new ConfigError(def.name, `expected true or false, got '${text}'`);
    case 'int': {
      if (!/^-?\d+$/.test(t) || Number(t) > 2147483647 || Number(t) < -2147483648) {
        throw new ConfigError(def.name, `expected a 32-bit integer, got '${text}'`);
      }
      return Number(t);
    }
    case 'long': {
      if (!/^-?\d+$/.test(t) || BigInt(t) > LONG_MAX || BigInt(t) < LONG_MIN) {
        throw new ConfigError(def.name, `expected a 64-bit integer, got '${text}'`);
      }
      return Number(t);
    }
    case 'double': {
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) throw new ConfigError(def.name, `expected a number, got '${text}'`);
      return n;
    }
    case 'list':
      return t === '' ? [] : t.split(',').map((s) => s.trim());
    default:
      return text;
  }
}

/** Parses and validates; throws ConfigError naming the setting. */
export function checkedConfigValue(def: ConfigDef, text: string | null): ConfigValue {
  const value = parseConfigValue(def, text);
  const problem = value === null ? undefined : def.validate?.(value);
  if (problem) throw new ConfigError(def.name, `invalid value '${text}': ${problem}`);
  return value;
}

export function atLeast(min: number): (v: ConfigValue) => string | undefined {
  return (v) => (typeof v === 'number' && v < min ? `must be at least ${min}` : undefined);
}

export function between(min: number, max: number): (v: ConfigValue) => string | undefined {
  return (v) => (typeof v === 'number' && (v < min || v > max) ? `must be between ${min} and ${max}` : undefined);
}

export function oneOf(...allowed: string[]): (v: ConfigValue) => string | undefined {
  return (v) => {
    const values = Array.isArray(v) ? v : [String(v)];
    const bad = values.find((x) => !allowed.includes(x));
    return bad === undefined ? undefined : `'${bad}' is not one of ${allowed.join(', ')}`;
  };
}
