/**
 * ProducerIdManager: hands out producer ids for idempotent and transactional producers. Ids are
 * reserved from the metadata store in blocks (durably, before any id of a block is handed out),
 * so an id is never given twice, even across restarts; a restart skips the rest of its block.
 *
 * Contract: one per broker; concurrent callers share the block refill.
 */
import type { MetadataStore } from '../metadata/metadata-store.js';

export const PRODUCER_ID_BLOCK_SIZE = 1000;

export class ProducerIdManager {
  private next = 0n;
  private end = 0n;
  private refilling: Promise<void> | undefined;

  constructor(private readonly metadata: MetadataStore) {}

  async generate(): Promise<bigint> {
    while (this.next >= this.end) {
      this.refilling ??= this.metadata.allocateProducerIds(PRODUCER_ID_BLOCK_SIZE).then((start) => {
        this.next = start;
        this.end = start + BigInt(PRODUCER_ID_BLOCK_SIZE);
      }).finally(() => {
        this.refilling = undefined;
      });
      await this.refilling;
    }
    return this.next++;
  }
}
