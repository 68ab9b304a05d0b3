/**
 * Test support: a real broker on an ephemeral 127.0.0.1 port with its data in a temporary
 * directory, started in-process; `restart()` stops it cleanly (or not) and starts it again on the
 * same data and port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../src/broker/broker.js';
import { BrokerConfig } from '../../src/broker/config/broker-config.js';
import { EmbeddedMetadataStore } from '../../src/cluster/embedded-metadata-store.js';
import { createLogger, silentLogger } from '../../src/common/logger.js';

export interface TestBroker {
  broker: Broker;
  port: number;
  bootstrap: string;
  dataDir: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestBroker(overrides: Record<string, string> = {}): Promise<TestBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gregor-broker-'));
  const logger = process.env.GREGOR_TEST_LOGS ? createLogger({ format: 'pretty' }) : silentLogger();
  const start = (port: number): Promise<Broker> => {
    const config = BrokerConfig.fromMap({
      listeners: `PLAINTEXT://127.0.0.1:${port}`,
      'log.dirs': dataDir,
      'group.initial.rebalance.delay.ms': '0',
      // tests run brokers side by side: no HTTP listener unless a test asks for one
      'http.listeners': '',
      ...overrides,
    });
    return Broker.start({ config, logger, openMetadataStore: (fs, dir, self) => EmbeddedMetadataStore.open(fs, dir, self) });
  };
  let broker = await start(0);
  const port = broker.port;
  let stopped = false;
  const handle: TestBroker = {
    get broker() {
      return broker;
    },
    port,
    bootstrap: `127.0.0.1:${port}`,
    dataDir,
    async restart() {
      await broker.stop();
      broker = await start(port);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
