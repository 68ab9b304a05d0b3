/**
 * BrokerRegistration: a broker's presence in the cluster: its endpoint under
 * <prefix>/brokers/<node id>, attached to a lease that the broker keeps alive. A broker that stops
 * (or loses etcd for longer than the lease) disappears from every broker's view when the lease
 * lapses; a clean stop revokes the lease at once.
 *
 * The key is taken only if nobody holds it. A broker restarted right after a crash finds its old
 * registration still there until that lease lapses, so it waits up to two lease lifetimes for the
 * key to free up; a key that stays taken belongs to another live broker with the same node.id, and
 * the start is refused with a message that says so. A lost lease (etcd unreachable too long) is
 * replaced by registering again as soon as etcd answers.
 */
import type { Etcd3, Lease } from 'etcd3';
import type { Logger } from '../../common/logger.js';
import type { BrokerEndpoint } from '../../broker/metadata/metadata-store.js';
import type { EtcdKeys } from './etcd-keys.js';
import { bounded } from './controller-election.js';

export class DuplicateBrokerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DuplicateBrokerError';
  }
}

export class BrokerRegistration {
  private lease: Lease | undefined;
  private withdrawn = false;

  constructor(
    private readonly client: Etcd3,
    private readonly keys: EtcdKeys,
    private readonly self: BrokerEndpoint,
    private readonly sessionTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  private get ttlSeconds(): number {
    return Math.max(1, Math.ceil(this.sessionTimeoutMs / 1000));
  }

  async register(): Promise<void> {
    const key = this.keys.broker(this.self.nodeId);
    const deadline = Date.now() + 2 * this.ttlSeconds * 1000 + 1000;
    for (let attempt = 0; ; attempt++) {
      const lease = this.client.lease(this.ttlSeconds, { autoKeepAlive: true });
      await lease.grant();
      const r = await this.client.if(key, 'Create', '==', 0).then(lease.put(key).value(JSON.stringify(this.self))).commit();
      if (r.succeeded) {
        this.watchLease(lease);
        this.logger.info({ nodeId: this.self.nodeId, ttlSeconds: this.ttlSeconds }, 'registered with the cluster');
        return;
      }
      await lease.revoke().catch(() => undefined);
      const holder = await this.client.get(key).string().catch(() => null);
      if (Date.now() >= deadline) {
        throw new DuplicateBrokerError(`node.id ${this.self.nodeId} is already registered by a live broker (${holder ?? 'unknown'}); every broker of a cluster needs its own node.id`);
      }
      if (attempt === 0) this.logger.info({ nodeId: this.self.nodeId, holder }, 'node id still registered (a previous run?); waiting for its lease to lapse');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  private watchLease(lease: Lease): void {
    this.lease = lease;
    lease.on('lost', (err) => {
      if (this.withdrawn || this.lease !== lease) return;
      this.logger.error({ err: err.message }, 'the broker\'s etcd lease was lost; registering again once etcd answers');
      this.lease = undefined;
      void this.reregister();
    });
  }

  private async reregister(): Promise<void> {
    for (let attempt = 0; !this.withdrawn; attempt++) {
      try {
        await this.register();
        return;
      } catch (e) {
        if (e instanceof DuplicateBrokerError) {
          this.logger.error({ err: e.message }, 'cannot register again');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  /** Removes the registration now (a clean stop). */
  async withdraw(): Promise<void> {
    this.withdrawn = true;
    const lease = this.lease;
    this.lease = undefined;
    if (lease) {
      await bounded(lease.revoke());
      lease.release();
    }
  }
}
