/**
 * Client quotas, enforced as Kafka enforces them: a rate per quota type and client entity,
 * measured over `quota.window.num` windows of `quota.window.size.seconds`, and when a request
 * takes a client above its quota, the response says how long it is throttled
 * (throttle_time_ms) and the broker stops reading from the connection for that long.
 *
 *   producer_byte_rate        bytes of Produce requests per second
 *   consumer_byte_rate        bytes of records in Fetch responses per second (consumers, not followers)
 *   request_percentage        event-loop time spent on the client's requests, in percent of one second
 *   controller_mutation_rate  partitions created or deleted per second
 *
 * The quota of a client (user, client id) comes from the most specific entity that sets it, in
 * Kafka's order: users/<user>/clients/<client>, users/<user>/clients/<default>, users/<user>,
 * users/<default>/clients/<client>, users/<default>/clients/<default>, users/<default>,
 * clients/<client>, clients/<default>. Clients matched by the same entity share one rate (a user
 * quota is shared by all of the user's clients; a default applies to each user or client apart).
 * A request-time throttle is at most one window long, as in Kafka.
 *
 * Contract: one per broker, event-loop only. The quota settings are a snapshot of the users' and
 * clients' entity settings, refreshed when the metadata store announces a change to them
 * (`refresh`), so a request costs a map lookup and nothing at all while no quota is set.
 */
import { DEFAULT_ENTITY, type EntityType, type MetadataStore } from '../metadata/metadata-store.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { RateSensor } from './rate-sensor.js';

export type QuotaType = 'produce' | 'fetch' | 'request' | 'controller_mutation';

const QUOTA_KEY: Record<QuotaType, string> = {
  produce: 'producer_byte_rate', fetch: 'consumer_byte_rate', request: 'request_percentage', controller_mutation: 'controller_mutation_rate',
};

export interface QuotaSettings {
  samples: number;
  windowMs: number;
}

/** Idle rates are dropped after this many windows without a record. */
const IDLE_WINDOWS = 60;

export class QuotaManager {
  private readonly sensors = new Map<string, { sensor: RateSensor; lastUsed: number }>();
  private users: Record<string, Record<string, string>> = {};
  private clients: Record<string, Record<string, string>> = {};
  /** Whether any user or client has a quota at all. */
  active = false;

  constructor(
    private readonly entityConfigs: (type: EntityType) => Record<string, Record<string, string>>,
    private readonly settings: () => QuotaSettings,
  ) {
    this.refresh();
  }

  /** Re-reads the quota settings (after the metadata store announced a change to users or clients). */
  refresh(): void {
    this.users = this.entityConfigs('users');
    this.clients = this.entityConfigs('clients');
    const keys = new Set(Object.values(QUOTA_KEY));
    this.active = [...Object.values(this.users), ...Object.values(this.clients)].some((c) => Object.keys(c).some((k) => keys.has(k)));
  }

  /** The quota of a type for a client and the key of the rate it is measured by, if any quota applies. */
  resolve(type: QuotaType, user: string, clientId: string): { quota: number; rateKey: string } | undefined {
    if (!this.active) return undefined;
    const users = this.users;
    const clients = this.clients;
    const key = QUOTA_KEY[type];
    const D = DEFAULT_ENTITY;
    const candidates: [Record<string, Record<string, string>>, string, string][] = [
      [users, `${user}/clients/${clientId}`, `u=${user},c=${clientId}`],
      [users, `${user}/clients/${D}`, `u=${user},c=${clientId}`],
      [users, user, `u=${user}`],
      [users, `${D}/clients/${clientId}`, `u=${user},c=${clientId}`],
      [users, `${D}/clients/${D}`, `u=${user},c=${clientId}`],
      [users, D, `u=${user}`],
      [clients, clientId, `c=${clientId}`],
      [clients, D, `c=${clientId}`],
    ];
    for (const [table, name, rateKey] of candidates) {
      const text = table[name]?.[key];
      if (text === undefined) continue;
      const quota = Number(text);
      if (Number.isFinite(quota) && quota > 0) return { quota: type === 'request' ? quota * 10 : quota, rateKey: `${type}|${rateKey}` };
    }
    return undefined;
  }

  /** Records `value` against the client's quota of `type`; the throttle time it earned (0 when within it or unbounded). */
  record(type: QuotaType, user: string, clientId: string, value: number, now: number): number {
    const q = this.resolve(type, user, clientId);
    if (!q) return 0;
    const s = this.settings();
    let entry = this.sensors.get(q.rateKey);
    if (!entry) {
      entry = { sensor: new RateSensor(s.samples, s.windowMs), lastUsed: now };
      this.sensors.set(q.rateKey, entry);
      if (this.sensors.size % 1024 === 0) this.dropIdle(now, s.windowMs);
    }
    entry.lastUsed = now;
    entry.sensor.record(value, now);
    const throttle = entry.sensor.throttleMs(q.quota, now);
    return type === 'request' ? Math.min(throttle, s.windowMs) : throttle;
  }

  /** Takes back a recorded value (a throttled fetch whose records are not sent). */
  unrecord(type: QuotaType, user: string, clientId: string, value: number, now: number): void {
    const q = this.resolve(type, user, clientId);
    if (q) this.sensors.get(q.rateKey)?.sensor.record(-value, now);
  }

  /** The rate a client is measured at now (per second; request_percentage in percent), for tests and metrics. */
  rate(type: QuotaType, user: string, clientId: string, now: number): number {
    const q = this.resolve(type, user, clientId);
    const r = q ? this.sensors.get(q.rateKey)?.sensor.rate(now) ?? 0 : 0;
    return type === 'request' ? r / 10 : r;
  }

  private dropIdle(now: number, windowMs: number): void {
    for (const [k, e] of this.sensors) if (now - e.lastUsed > IDLE_WINDOWS * windowMs) this.sensors.delete(k);
  }
}

/** The broker's quota manager: settings from quota.window.*, refreshed on user and client changes. */
export function quotaManager(metadata: MetadataStore, config: BrokerConfig): QuotaManager {
  const quotas = new QuotaManager((t) => metadata.entityConfigs(t), () => ({
    samples: config.int('quota.window.num'), windowMs: config.int('quota.window.size.seconds') * 1000,
  }));
  metadata.onChange((c) => {
    if (c.kind === 'entityConfigs' && c.entityType !== 'ips') quotas.refresh();
  });
  return quotas;
}
