/**
 * Certificate reload without a restart, as Kafka does it: whenever the dynamic broker
 * configuration is written (say `kafka-configs --alter --entity-type brokers --entity-name 1
 * --add-config listener.name.ssl.ssl.keystore.location=/etc/gregor/broker.pem`, even with the same
 * path after the file was replaced), every TLS listener's stores are read again and a listener
 * whose material changed serves new connections with it.
 */
import type { Logger } from '../../common/logger.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { BrokerServer } from '../net/broker-server.js';
import { tlsServerOptions } from './tls-options.js';

export function reloadTlsOnChange(metadata: MetadataStore, server: BrokerServer, config: BrokerConfig, logger: Logger): void {
  metadata.onChange((c) => {
    if (c.kind !== 'brokerConfigs') return;
    // another listener of the same announcement applies the dynamic layers: run after all of them
    queueMicrotask(() => {
      const { reloaded, failed } = server.reloadTls((listener) => tlsServerOptions(config, listener));
      if (reloaded.length > 0) logger.info({ listeners: reloaded }, 'TLS key and trust stores reloaded');
      for (const f of failed) logger.error({ listener: f.listener, error: f.error }, 'TLS stores not reloaded; the listener keeps its previous ones');
    });
  });
}
