/**
 * EtcdWatch: follows one etcd prefix: a full read first, then a watch from the next revision, with
 * each event handed over in order. etcd3 reconnects a broken watch on its own and resumes after the
 * last revision it delivered; if etcd has compacted that history away the watch is cancelled, and
 * this class reads the prefix again (a snapshot, which the store diffs against its view) and
 * watches on from there.
 */
import type { Etcd3, Watcher } from 'etcd3';
import type { Logger } from '../../common/logger.js';
import { bounded } from './controller-election.js';

export interface WatchedKv {
  key: string;
  value: Buffer;
  modRevision: string;
  createRevision: string;
}

export interface WatchHandlers {
  snapshot(kvs: WatchedKv[], revision: number): void;
  put(kv: WatchedKv): void;
  delete(key: string): void;
  /** Everything up to `revision` has been delivered. */
  progress(revision: number): void;
}

export class EtcdWatch {
  private watcher: Watcher | undefined;
  private stopped = false;

  constructor(
    private readonly client: Etcd3,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly handlers: WatchHandlers,
  ) {}

  async start(): Promise<void> {
    const r = await this.client.getAll().prefix(this.prefix).exec();
    const revision = Number(r.header.revision);
    this.handlers.snapshot(r.kvs.map((kv) => ({ key: kv.key.toString('utf8'), value: kv.value, modRevision: kv.mod_revision, createRevision: kv.create_revision })), revision);
    await this.watchFrom(revision + 1);
  }

  private async watchFrom(revision: number): Promise<void> {
    const watcher = await this.client.watch().prefix(this.prefix).startRevision(String(revision)).create();
    if (this.stopped) {
      await watcher.cancel();
      return;
    }
    this.watcher = watcher;
    watcher.on('data', (res) => {
      for (const e of res.events) {
        const key = e.kv.key.toString('utf8');
        if (e.type === 'Delete') this.handlers.delete(key);
        else this.handlers.put({ key, value: e.kv.value, modRevision: e.kv.mod_revision, createRevision: e.kv.create_revision });
      }
      this.handlers.progress(Number(res.header.revision));
    });
    watcher.on('disconnected', (err) => this.logger.warn({ err: err.message }, 'etcd watch disconnected; resuming when etcd is back'));
    watcher.on('connected', () => this.logger.debug('etcd watch connected'));
    watcher.on('error', (err) => {
      if (this.stopped) return;
      this.logger.warn({ err: err.message }, 'etcd watch cancelled; reading the metadata again');
      this.watcher = undefined;
      void this.restart();
    });
  }

  private async restart(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        await this.start();
        return;
      } catch (e) {
        this.logger.warn({ err: (e as Error).message, attempt }, 'reading the metadata from etcd failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** Math.min(attempt, 6))));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await bounded(this.watcher?.cancel());
  }
}
