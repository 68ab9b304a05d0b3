/**
 * A child process holding one EtcdMetadataStore (for the tests that kill a broker by pid): opens
 * the store with the JSON parameters in argv[2], registers, campaigns for controller when asked,
 * prints {"ev":"registered"} and {"ev":"elected"} lines, and then waits to be killed.
 */
import { EtcdMetadataStore } from '../../src/cluster/etcd/etcd-metadata-store.js';
import { silentLogger } from '../../src/common/logger.js';

interface Params {
  endpoint: string;
  prefix: string;
  nodeId: number;
  sessionTimeoutMs: number;
  campaign: boolean;
}

const p = JSON.parse(process.argv[2]!) as Params;
const store = await EtcdMetadataStore.open({
  endpoints: [p.endpoint], prefix: p.prefix, proposedClusterId: 'child-cluster-id-00000',
  self: { nodeId: p.nodeId, host: '127.0.0.1', port: 9000 + p.nodeId, rack: null },
  sessionTimeoutMs: p.sessionTimeoutMs, requestTimeoutMs: 2000, logger: silentLogger(),
});
await store.register();
console.log(JSON.stringify({ ev: 'registered' }));
if (p.campaign) store.election.campaign(() => console.log(JSON.stringify({ ev: 'elected' })), () => console.log(JSON.stringify({ ev: 'deposed' })));
setInterval(() => undefined, 60_000);
