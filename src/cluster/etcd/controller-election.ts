/**
 * ControllerElection: this broker's campaign in etcd's election recipe: every broker that may lead
 * puts a key under <prefix>/election/controller/ attached to its own lease (value: its node id),
 * and the oldest key wins; a campaign is won once every older key is gone. A controller whose
 * lease lapses (it died, or lost etcd) loses its key and the next candidate takes over.
 *
 * Who the controller is, as every broker reports it, is read from the metadata view (the oldest
 * candidate key the watch has delivered; etcd-view.ts), not from etcd3's ElectionObserver: that
 * observer, when several candidates appear in one watch batch before any leader is known, takes the
 * newest of them as leader and keeps it until that key is deleted, so brokers could name a
 * controller that never won.
 *
 * The fence: the elected broker's campaign key and its creation revision. Controller writes
 * compare both, so a broker that was deposed without noticing cannot change anything.
 */
import type { Campaign, Etcd3, Namespace } from 'etcd3';
import type { Logger } from '../../common/logger.js';
import { NotControllerError } from '../../broker/metadata/metadata-store.js';

export { NotControllerError };

export interface ControllerFence {
  key: string;
  revision: string;
}

const ELECTION = 'controller';
const CLOSE_STEP_MS = 2_000;

/** Waits for a closing step, but never longer than CLOSE_STEP_MS (etcd may be gone). */
export async function bounded(step: Promise<unknown> | undefined): Promise<void> {
  if (!step) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([step.catch(() => undefined), new Promise((resolve) => { timer = setTimeout(resolve, CLOSE_STEP_MS); })]);
  clearTimeout(timer);
}

export class ControllerElection {
  private campaignHandle: Campaign | undefined;
  private currentFence: ControllerFence | undefined;
  private closed = false;
  private campaigning = false;
  private onElected: (() => void) | undefined;
  private onDeposed: (() => void) | undefined;
  /** Runs after a won election, before the fence is set, with the etcd revision the win was seen at. */
  beforeLeading: ((revision: number) => Promise<void>) | undefined;

  constructor(
    private readonly ns: Namespace,
    private readonly client: Etcd3,
    private readonly nodeId: number,
    private readonly sessionTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  get fence(): ControllerFence | undefined {
    return this.currentFence;
  }

  /**
   * Campaigns until elected (again after every loss); calls back on election and deposition.
   * Calling it again only replaces the callbacks (and reports a standing election at once).
   */
  campaign(onElected: () => void, onDeposed: () => void): void {
    this.onElected = onElected;
    this.onDeposed = onDeposed;
    if (this.campaigning) {
      if (this.currentFence) onElected();
      return;
    }
    this.campaigning = true;
    void this.runCampaign();
  }

  private async runCampaign(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        const ttl = Math.max(1, Math.ceil(this.sessionTimeoutMs / 1000));
        const campaign = this.ns.election(ELECTION, ttl).campaign(String(this.nodeId));
        this.campaignHandle = campaign;
        const lost = new Promise<Error>((resolve) => campaign.on('error', resolve));
        await Promise.race([campaign.wait(), lost.then((e) => Promise.reject(e))]);
        if (this.closed) return;
        const key = await campaign.getCampaignKey();
        const read = await this.client.get(key).exec();
        const kv = read.kvs[0];
        if (!kv) throw new Error('the campaign key vanished right after the election');
        await this.beforeLeading?.(Number(read.header.revision));
        if (this.closed) return;
        this.currentFence = { key, revision: kv.create_revision };
        this.logger.info({ nodeId: this.nodeId }, 'elected controller');
        this.onElected?.();
        attempt = 0;
        const err = await lost;
        if (this.closed) return;
        this.deposed(`the controller lease was lost (${err.message})`);
      } catch (e) {
        if (this.closed) return;
        this.deposed(`campaigning failed (${(e as Error).message})`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** Math.min(attempt, 5))));
      }
    }
  }

  private deposed(why: string): void {
    if (!this.currentFence) return;
    this.currentFence = undefined;
    this.logger.warn({ nodeId: this.nodeId, why }, 'no longer the controller');
    this.onDeposed?.();
  }

  /** After a refused controller write: throws NotControllerError if the fence no longer holds. */
  async checkFence(): Promise<void> {
    const fence = this.currentFence;
    if (!fence) throw new NotControllerError(`node ${this.nodeId} is not the controller`);
    const kv = (await this.client.get(fence.key).exec()).kvs[0];
    if (kv?.create_revision !== fence.revision) {
      this.deposed('the election key is gone');
      throw new NotControllerError(`node ${this.nodeId} is no longer the controller`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await bounded(this.campaignHandle?.resign());
    this.currentFence = undefined;
  }
}
