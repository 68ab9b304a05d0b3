/**
 * BrokerConfig: the broker's settings, resolved from Kafka's defaults, a server.properties file,
 * environment variables and command-line overrides (later sources win), each value remembering
 * where it came from so DescribeConfigs can report sources and synonyms.
 *
 * Environment: GREGOR_<NAME> or KAFKA_<NAME>, with the name upper-cased and '.' written '_'
 * ('_' as '__', '-' as '___'), as Kafka's container images map them. An unknown GREGOR_ variable
 * is an error; unknown KAFKA_ variables (KAFKA_HEAP_OPTS and the like) are ignored.
 */
import { readFileSync } from 'node:fs';
import { checkedConfigValue, ConfigError, type ConfigDef, type ConfigValue } from '../../common/config/config-def.js';
import { parseProperties } from '../../common/config/properties.js';
import { logConfigFrom, TOPIC_CONFIG_DEFS, type LogConfig } from '../../storage/log-config.js';
import { BROKER_CONFIG_BY_NAME } from './broker-config-defs.js';

/** Where a setting's value comes from, lowest precedence first. */
export type ConfigSource = 'DEFAULT_CONFIG' | 'STATIC_BROKER_CONFIG' | 'DYNAMIC_DEFAULT_BROKER_CONFIG' | 'DYNAMIC_BROKER_CONFIG';

/** The dynamic layers (set at runtime through the config APIs and kept in the metadata store). */
export interface DynamicLayers {
  /** Cluster-wide defaults (the broker resource with the empty name). */
  defaults: Readonly<Record<string, string>>;
  /** This broker's own settings (the broker resource named by its id). */
  perBroker: Readonly<Record<string, string>>;
}

interface Setting {
  text: string | null;
  value: ConfigValue;
  source: ConfigSource;
}

export interface Listener {
  name: string;
  host: string;
  port: number;
}

export interface BrokerConfigSources {
  propertiesFile?: string;
  overrides?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

const RESERVED_ENV = new Set(['GREGOR_LOG_LEVEL', 'GREGOR_LOG_FORMAT', 'GREGOR_KAFKA_PROTOCOL_DIR']);

export function envToSettingName(variable: string): string | undefined {
  const m = /^(GREGOR|KAFKA)_(.+)$/.exec(variable);
  if (!m) return undefined;
  return m[2]!.replace(/___/g, '\u0001').replace(/__/g, '\u0002').replace(/_/g, '.')
    .replace(/\u0001/g, '-').replace(/\u0002/g, '_').toLowerCase();
}

function parseListener(text: string, setting: string): Listener {
  const m = /^([A-Za-z_][A-Za-z0-9_]*):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(text.trim());
  if (!m) throw new ConfigError(setting, `'${text}' is not NAME://host:port`);
  const port = Number(m[3]);
  if (port > 65535) throw new ConfigError(setting, `port ${port} is out of range`);
  return { name: m[1]!.toUpperCase(), host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * `listener.name.<listener>.<setting>` and `listener.name.<listener>.<mechanism>.<setting>`: the
 * setting (a known one) for one listener, or for one SASL mechanism on it.
 */
const LISTENER_SCOPED = /^listener\.name\.([^.]+)\.(?:([a-z0-9-]+)\.)?(.+)$/i;

/** The known setting a listener-scoped name refers to, or undefined. */
function listenerScopedDef(name: string): ConfigDef | undefined {
  const m = LISTENER_SCOPED.exec(name);
  if (!m) return undefined;
  const whole = `${m[2] ? `${m[2]}.` : ''}${m[3]}`;
  return BROKER_CONFIG_BY_NAME.get(whole) ?? (m[2] && /^sasl\./.test(m[3]!) ? BROKER_CONFIG_BY_NAME.get(m[3]!) : undefined);
}

/** A listener-scoped name with its listener part (and mechanism) lower-cased, as lookups build them. */
function normalListenerScoped(name: string): string {
  const m = LISTENER_SCOPED.exec(name)!;
  return `listener.name.${m[1]!.toLowerCase()}.${m[2] ? `${m[2].toLowerCase()}.` : ''}${m[3]}`;
}

export class BrokerConfig {
  /** The effective settings: the static ones with the dynamic layers applied. */
  private settings: Map<string, Setting>;
  private dynamic: DynamicLayers = { defaults: {}, perBroker: {} };

  private constructor(
    private readonly staticSettings: Map<string, Setting>,
    /** Static listener-scoped settings, by their full name (listener part lower-cased). */
    private readonly listenerScoped: ReadonlyMap<string, string> = new Map(),
  ) {
    this.settings = staticSettings;
  }

  /** Resolves every setting; throws ConfigError naming the first unknown or invalid one. */
  static load(sources: BrokerConfigSources = {}): BrokerConfig {
    const given = new Map<string, string>();
    if (sources.propertiesFile) {
      let text: string;
      try {
        text = readFileSync(sources.propertiesFile, 'utf8');
      } catch (e) {
        throw new ConfigError(sources.propertiesFile, `cannot read the properties file: ${(e as Error).message}`);
      }
      for (const [k, v] of parseProperties(text)) given.set(k, v);
    }
    for (const [variable, value] of Object.entries(sources.env ?? {})) {
      const name = envToSettingName(variable);
      if (!name || value === undefined || RESERVED_ENV.has(variable)) continue;
      if (!BROKER_CONFIG_BY_NAME.has(name)) {
        if (variable.startsWith('GREGOR_')) throw new ConfigError(name, `unknown setting (from ${variable})`);
        continue;
      }
      given.set(name, value);
    }
    for (const o of sources.overrides ?? []) {
      const eq = o.indexOf('=');
      if (eq <= 0) throw new ConfigError(o, 'an override must be key=value');
      given.set(o.slice(0, eq).trim(), o.slice(eq + 1));
    }
    return BrokerConfig.fromMap(given);
  }

  /** Builds a config from explicit settings (names checked, values validated). */
  static fromMap(given: ReadonlyMap<string, string> | Record<string, string>): BrokerConfig {
    const entries = given instanceof Map ? [...given] : Object.entries(given);
    const settings = new Map<string, Setting>();
    for (const [name, def] of BROKER_CONFIG_BY_NAME) {
      settings.set(name, { text: def.default, value: checkedConfigValue(def, def.default), source: 'DEFAULT_CONFIG' });
    }
    const listenerScoped = new Map<string, string>();
    for (const [name, text] of entries) {
      const scopedDef = listenerScopedDef(name);
      if (scopedDef) {
        checkedConfigValue(scopedDef, text);
        listenerScoped.set(normalListenerScoped(name), text);
        continue;
      }
      const def = BROKER_CONFIG_BY_NAME.get(name);
      if (!def) throw new ConfigError(name, 'unknown setting');
      settings.set(name, { text, value: checkedConfigValue(def, text), source: 'STATIC_BROKER_CONFIG' });
    }
    const config = new BrokerConfig(settings, listenerScoped);
    config.checkDerived();
    return config;
  }

  private checkDerived(): void {
    this.listeners();
    this.advertisedListeners();
    this.topicLogConfig({});
    if (this.logDirs().length === 0) throw new ConfigError('log.dirs', 'no data directory configured');
  }

  setting(name: string): { def: ConfigDef; text: string | null; source: ConfigSource } | undefined {
    const def = BROKER_CONFIG_BY_NAME.get(name);
    const s = this.settings.get(name);
    return def && s ? { def, text: s.text, source: s.source } : undefined;
  }

  /**
   * Every layer that gives `name` a value, most precedent first (dynamic per-broker, dynamic
   * default, static, Kafka's default), as DescribeConfigs lists synonyms.
   */
  layers(name: string): { text: string; source: ConfigSource }[] {
    const out: { text: string; source: ConfigSource }[] = [];
    const perBroker = this.dynamic.perBroker[name];
    if (perBroker !== undefined) out.push({ text: perBroker, source: 'DYNAMIC_BROKER_CONFIG' });
    const dynamicDefault = this.dynamic.defaults[name];
    if (dynamicDefault !== undefined) out.push({ text: dynamicDefault, source: 'DYNAMIC_DEFAULT_BROKER_CONFIG' });
    const s = this.staticSettings.get(name);
    if (s?.source === 'STATIC_BROKER_CONFIG' && s.text !== null) out.push({ text: s.text, source: 'STATIC_BROKER_CONFIG' });
    const def = BROKER_CONFIG_BY_NAME.get(name);
    if (def && def.default !== null) out.push({ text: def.default, source: 'DEFAULT_CONFIG' });
    return out;
  }

  /** An independent copy with the same static settings and dynamic layers. */
  copy(): BrokerConfig {
    const c = new BrokerConfig(this.staticSettings, this.listenerScoped);
    c.applyDynamic(this.dynamic);
    return c;
  }

  /** The dynamic layers in effect. */
  get dynamicLayers(): DynamicLayers {
    return this.dynamic;
  }

  /**
   * Applies new dynamic layers over the static settings (values of known settings are checked;
   * throws ConfigError naming the first invalid one and changes nothing then). Names Gregor does
   * not know are kept in the layers, as Kafka keeps custom dynamic configs, without effect.
   */
  applyDynamic(layers: DynamicLayers): void {
    const next = new Map(this.staticSettings);
    const put = (values: Readonly<Record<string, string>>, source: ConfigSource): void => {
      for (const [name, text] of Object.entries(values)) {
        const def = BROKER_CONFIG_BY_NAME.get(name);
        if (def) next.set(name, { text, value: checkedConfigValue(def, text), source });
      }
    };
    put(layers.defaults, 'DYNAMIC_DEFAULT_BROKER_CONFIG');
    put(layers.perBroker, 'DYNAMIC_BROKER_CONFIG');
    const previous = this.settings;
    this.settings = next;
    try {
      this.topicLogConfig({});
    } catch (e) {
      this.settings = previous;
      throw e;
    }
    this.dynamic = { defaults: { ...layers.defaults }, perBroker: { ...layers.perBroker } };
  }

  /** Every broker setting with its text and source, for DescribeConfigs. */
  entries(): { name: string; text: string | null; source: ConfigSource; def: ConfigDef }[] {
    return [...this.settings].map(([name, s]) => ({ name, text: s.text, source: s.source, def: BROKER_CONFIG_BY_NAME.get(name)! }));
  }

  private value(name: string): ConfigValue {
    const s = this.settings.get(name);
    if (!s) throw new Error(`no broker setting ${name}`);
    return s.value;
  }

  int(name: string): number {
    return this.value(name) as number;
  }

  bool(name: string): boolean {
    return this.value(name) as boolean;
  }

  str(name: string): string | null {
    return this.value(name) as string | null;
  }

  list(name: string): string[] | null {
    return this.value(name) as string[] | null;
  }

  /** Whether the setting has a value other than Kafka's default (static or dynamic). */
  isSet(name: string): boolean {
    const source = this.settings.get(name)?.source;
    return source !== undefined && source !== 'DEFAULT_CONFIG';
  }

  get nodeId(): number {
    const staticNodeId = this.staticSettings.get('node.id')!;
    const brokerId = this.staticSettings.get('broker.id')!.value as number;
    if (staticNodeId.source === 'DEFAULT_CONFIG' && brokerId >= 0) return brokerId;
    return staticNodeId.value as number;
  }

  /**
   * A setting as one listener sees it (and one SASL mechanism on it, for `sasl.jaas.config` and
   * the like): `listener.name.<l>.<mechanism>.<name>`, then `listener.name.<l>.<name>`, each from
   * the dynamic layers then the static settings, then the setting itself.
   */
  forListener(listener: string, name: string, mechanism?: string): ConfigValue {
    const def = BROKER_CONFIG_BY_NAME.get(name);
    if (!def) throw new Error(`no broker setting ${name}`);
    const l = listener.toLowerCase();
    const keys = [...(mechanism ? [`listener.name.${l}.${mechanism.toLowerCase()}.${name}`] : []), `listener.name.${l}.${name}`];
    for (const key of keys) {
      const text = this.dynamic.perBroker[key] ?? this.dynamic.defaults[key] ?? this.listenerScoped.get(key);
      if (text !== undefined) return checkedConfigValue(def, text);
    }
    return this.value(name);
  }

  listeners(): Listener[] {
    return (this.list('listeners') ?? []).map((l) => parseListener(l, 'listeners'));
  }

  advertisedListeners(): Listener[] {
    const given = this.list('advertised.listeners');
    const raw = given ? given.map((l) => parseListener(l, 'advertised.listeners')) : this.listeners();
    return raw.map((l) => ({ ...l, host: l.host === '' || l.host === '0.0.0.0' || l.host === '::' ? 'localhost' : l.host }));
  }

  logDirs(): string[] {
    return this.list('log.dirs') ?? [this.str('log.dir')!];
  }

  /**
   * The broker-level default of each topic setting, as text, with the broker setting it came
   * from (null when Kafka's own default applies).
   */
  topicDefault(topicSetting: string): { text: string; from: string | null; source: ConfigSource } {
    const def = TOPIC_CONFIG_DEFS.find((d) => d.name === topicSetting);
    if (!def) throw new Error(`no topic setting ${topicSetting}`);
    const scaled = (name: string, factor: number): string | undefined => {
      if (!this.isSet(name)) return undefined;
      const v = this.value(name);
      return v === null ? undefined : String((v as number) * factor);
    };
    const sourceOf = (name: string | null): ConfigSource => (name === null ? 'DEFAULT_CONFIG' : this.settings.get(name)!.source);
    const from = (text: string, name: string | null): { text: string; from: string | null; source: ConfigSource } => ({ text, from: name, source: sourceOf(name) });
    switch (topicSetting) {
      case 'retention.ms': {
        if (this.isSet('log.retention.ms')) return from(this.settings.get('log.retention.ms')!.text!, 'log.retention.ms');
        const m = scaled('log.retention.minutes', 60_000);
        if (m) return from(m, 'log.retention.minutes');
        return from(String(this.int('log.retention.hours') * 3_600_000), this.isSet('log.retention.hours') ? 'log.retention.hours' : null);
      }
      case 'segment.ms': {
        if (this.isSet('log.roll.ms')) return from(this.settings.get('log.roll.ms')!.text!, 'log.roll.ms');
        return from(String(this.int('log.roll.hours') * 3_600_000), this.isSet('log.roll.hours') ? 'log.roll.hours' : null);
      }
      case 'segment.jitter.ms': {
        if (this.isSet('log.roll.jitter.ms')) return from(this.settings.get('log.roll.jitter.ms')!.text!, 'log.roll.jitter.ms');
        const h = scaled('log.roll.jitter.hours', 3_600_000);
        return h ? from(h, 'log.roll.jitter.hours') : from(def.default!, null);
      }
      default: {
        for (const name of def.serverSynonyms ?? []) {
          const s = this.settings.get(name);
          if (s && s.source !== 'DEFAULT_CONFIG' && s.text !== null) return from(s.text, name);
        }
        return from(def.default!, null);
      }
    }
  }

  /** The LogConfig of a topic: its own overrides over the broker's defaults. */
  topicLogConfig(overrides: Readonly<Record<string, string>>): LogConfig {
    const merged: Record<string, string> = {};
    for (const def of TOPIC_CONFIG_DEFS) merged[def.name] = this.topicDefault(def.name).text;
    return logConfigFrom({ ...merged, ...overrides });
  }
}
