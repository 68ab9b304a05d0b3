/**
 * A broker whose log directory disappeared still stops: stop() reports the failure, and the
 * listeners (Kafka and HTTP) are closed anyway, so the process can exit.
 */
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Admin } from '../../src/client/admin/admin.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { startTestBroker } from '../support/broker.js';

const refused = (port: number) => new Promise<boolean>((resolve) => {
  const s = createConnection({ host: '127.0.0.1', port });
  s.once('connect', () => {
    s.destroy();
    resolve(false);
  });
  s.once('error', () => resolve(true));
});

describe('stopping after the log directory is lost', () => {
  it('rejects with the storage error and still closes every listener', async () => {
    const server = await startTestBroker({ 'http.listeners': 'http://127.0.0.1:0' });
    const httpPort = server.broker.http.bound[0]!.port;
    const client = await KafkaClient.connect({ bootstrap: [server.bootstrap] });
    await new Admin(client).createTopics([{ name: 'doomed', numPartitions: 1, replicationFactor: 1 }]);
    client.close();
    rmSync(server.dataDir, { recursive: true, force: true });
    await assert.rejects(server.broker.stop(), /ENOENT/);
    assert.equal(await refused(server.port), true, 'the Kafka listener is closed');
    assert.equal(await refused(httpPort), true, 'the HTTP listener is closed');
  });
});
