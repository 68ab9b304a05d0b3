/** The producer: batching, partitioning, compression, retries and idempotence over a KafkaClient. */
export * from './producer.js';
