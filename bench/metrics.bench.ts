/**
 * What collecting metrics costs on the produce path: the work the Connection adds per request
 * (the request counter and latency histogram, and the per-topic bytes and records counters with
 * the record count read from each batch header), timed over many produce-shaped requests and set
 * against the request rate of the side-by-side produce benchmark (about 230 MiB/s of 64 KiB
 * batches into 6 partitions: ~600 requests/s of 6 batches, or ~3,700/s of one).
 *
 *   npm run build && node dist/bench/metrics.bench.js [requests=200000]
 */
import { BrokerMetrics } from '../src/broker/metrics/broker-metrics.js';
import { recordTraffic } from '../src/broker/metrics/request-traffic.js';
import { ApiKey } from '../src/protocol/generated/api-registry.js';

const n = Number(process.argv[2] ?? 200_000);

/** A 64 KiB v2 batch header of 64 records (only the fields the counters read). */
function batch(): Buffer {
  const b = Buffer.alloc(65_536);
  b.writeInt32BE(b.length - 12, 8);
  b[16] = 2;
  b.writeInt32BE(64, 57);
  return b;
}

const metrics = new BrokerMetrics();
const partitions = 6;
const records = batch();
const request = { acks: 1, timeoutMs: 5000, transactionalId: null, topicData: [{ name: 'bench', partitionData: Array.from({ length: partitions }, (_, index) => ({ index, records })) }] };
const response = { responses: [{ name: 'bench', partitionResponses: Array.from({ length: partitions }, (_, index) => ({ index, errorCode: 0, baseOffset: 0n })) }], throttleTimeMs: 0 };

for (let i = 0; i < 10_000; i++) {
  metrics.request(ApiKey.Produce, 9, 0.001);
  recordTraffic(metrics, ApiKey.Produce, request, response, () => undefined);
}
const started = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
  metrics.request(ApiKey.Produce, 9, 0.0005 + (i % 100) / 100_000);
  recordTraffic(metrics, ApiKey.Produce, request, response, () => undefined);
}
const perRequestUs = Number(process.hrtime.bigint() - started) / 1000 / n;
const mibPerRequest = (partitions * records.length) / (1 << 20);
const rate = 230 / mibPerRequest;
console.log(`per produce request of ${partitions} x 64 KiB batches: ${perRequestUs.toFixed(2)} µs`);
console.log(`at 230 MiB/s (${rate.toFixed(0)} requests/s): ${((perRequestUs * rate) / 1e4).toFixed(3)}% of one core`);
console.log(`at one batch per request (${(rate * partitions).toFixed(0)} requests/s, upper bound): ${((perRequestUs * rate * partitions) / 1e4).toFixed(3)}% of one core`);
