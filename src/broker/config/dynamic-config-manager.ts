/**
 * DynamicConfigManager: the broker's dynamic configuration (Kafka's per-broker and cluster-default
 * BROKER config resources). The settings live in the metadata store; this object checks changes
 * against Kafka's rules (dynamic-broker-config.ts), stores them, lays them over the static settings
 * in the BrokerConfig, and tells the parts of the broker that can reconfigure themselves which
 * settings changed.
 *
 * A change replaces the whole dynamic set of one resource (the config APIs compute that set). The
 * layers are (re)applied from the store whenever it announces a change of dynamic configs, so
 * changes made through other brokers (the cluster default) arrive the same way as local ones.
 * Stored values that no longer validate (a setting that changed type, say) are dropped with a
 * warning at load, as Kafka ignores invalid dynamic configs.
 *
 * Contract: the only writer of the dynamic layers; runs on the event loop; changes are applied in
 * the order they are made.
 */
import { ConfigError } from '../../common/config/config-def.js';
import type { Logger } from '../../common/logger.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { BrokerConfig, DynamicLayers } from './broker-config.js';
import { dynamicConfigProblem } from './dynamic-broker-config.js';

export type ConfigChangeListener = (changed: ReadonlySet<string>) => void;

export class DynamicConfigManager {
  private readonly listeners: ConfigChangeListener[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: BrokerConfig,
    private readonly store: MetadataStore,
    private readonly nodeId: number,
    private readonly logger: Logger,
  ) {}

  /** Lays the stored dynamic settings over the static ones (at startup, and when the store's change). */
  reload(): void {
    const stored = this.store.dynamicBrokerConfigs();
    const layers: DynamicLayers = {
      defaults: this.valid(stored.defaults, false, 'cluster default'),
      perBroker: this.valid(stored.byBroker[String(this.nodeId)] ?? {}, true, `broker ${this.nodeId}`),
    };
    this.apply(layers);
  }

  /** The dynamic settings of this broker (`perBroker`) or of the cluster default. */
  current(perBroker: boolean): Record<string, string> {
    const stored = this.store.dynamicBrokerConfigs();
    return { ...(perBroker ? stored.byBroker[String(this.nodeId)] ?? {} : stored.defaults) };
  }

  onChange(listener: ConfigChangeListener): void {
    this.listeners.push(listener);
  }

  /**
   * Makes `next` the whole dynamic set of this broker (`perBroker`) or of the cluster default.
   * Resolves to Kafka's message for a change that cannot be made, or undefined once it is stored
   * and applied (or, with validateOnly, once it has been checked).
   */
  replace(perBroker: boolean, next: Record<string, string>, validateOnly: boolean): Promise<string | undefined> {
    const run = async (): Promise<string | undefined> => {
      const problem = dynamicConfigProblem(next, perBroker, this.config) ?? this.checkCombined(perBroker, next);
      if (problem || validateOnly) return problem;
      // applied when the store announces the change (reload), before the write resolves
      await this.store.setDynamicBrokerConfigs(perBroker ? this.nodeId : null, next);
      return undefined;
    };
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** The change applied with the other layer as it is: a value combination that fails (retention) is refused. */
  private checkCombined(perBroker: boolean, next: Record<string, string>): string | undefined {
    const layers = this.config.dynamicLayers;
    const candidate = perBroker ? { defaults: layers.defaults, perBroker: next } : { defaults: next, perBroker: layers.perBroker };
    const probe = this.config.copy();
    try {
      probe.applyDynamic(candidate);
      return undefined;
    } catch (e) {
      if (e instanceof ConfigError) return e.message;
      throw e;
    }
  }

  private apply(layers: DynamicLayers): void {
    const before = new Map(this.config.entries().map((e) => [e.name, e.text]));
    this.config.applyDynamic(layers);
    const changed = new Set(this.config.entries().filter((e) => before.get(e.name) !== e.text).map((e) => e.name));
    if (changed.size === 0) return;
    this.logger.info({ changed: [...changed] }, 'dynamic broker configuration applied');
    for (const listener of this.listeners) listener(changed);
  }

  private valid(values: Record<string, string>, perBroker: boolean, what: string): Record<string, string> {
    const kept: Record<string, string> = {};
    for (const [name, text] of Object.entries(values)) {
      const problem = dynamicConfigProblem({ [name]: text }, perBroker);
      if (problem) this.logger.warn({ setting: name, problem }, `ignoring a stored dynamic ${what} setting`);
      else kept[name] = text;
    }
    return kept;
  }
}
