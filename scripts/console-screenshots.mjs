// Takes the README's screenshots of the web console: a broker with an `orders` topic, JSON orders
// produced while the overview's charts run, a group behind by some records.
// Usage: npm run build && node scripts/console-screenshots.mjs [chromium path]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { Broker } from '../dist/src/broker/broker.js';
import { BrokerConfig } from '../dist/src/broker/config/broker-config.js';
import { EmbeddedMetadataStore } from '../dist/src/cluster/embedded-metadata-store.js';
import { silentLogger } from '../dist/src/common/logger.js';
import { Admin } from '../dist/src/client/admin/admin.js';
import { KafkaClient } from '../dist/src/client/kafka-client.js';
import { Producer } from '../dist/src/client/producer/index.js';

const out = fileURLToPath(new URL('../docs/images/', import.meta.url));
mkdirSync(out, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'gregor-shots-'));
const config = BrokerConfig.fromMap({ listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': dir, 'http.listeners': 'http://127.0.0.1:0' });
const broker = await Broker.start({ config, logger: silentLogger(), openMetadataStore: (fs, d, self) => EmbeddedMetadataStore.open(fs, d, self) });
const base = `http://127.0.0.1:${broker.http.bound[0].port}/ui/`;
const client = await KafkaClient.connect({ bootstrap: [`127.0.0.1:${broker.port}`] });
const admin = new Admin(client);
await admin.createTopics([{ name: 'orders', numPartitions: 6, replicationFactor: 1 }, { name: 'payments', numPartitions: 3, replicationFactor: 1 }]);
const producer = new Producer(client, { lingerMs: 5 });
const countries = ['FR', 'DE', 'US', 'JP', 'BR'];
let n = 0;
const order = () => {
  n++;
  return { key: `customer-${n % 40}`, value: JSON.stringify({ id: n, amount: Math.round((n * 7.3) % 250 * 100) / 100, customer: { country: countries[n % 5], tier: n % 7 === 0 ? 'gold' : 'standard' }, items: [{ sku: `SKU-${n % 13}`, qty: 1 + (n % 3) }] }), headers: { source: n % 2 ? 'web' : 'mobile' } };
};
let producing = true;
const load = (async () => {
  while (producing) {
    await producer.send('orders', Array.from({ length: 40 + (n % 60) }, order));
    await new Promise((r) => setTimeout(r, 50));
  }
})();
const browser = await chromium.launch({ executablePath: process.argv[2] ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
await page.goto(base);
await page.waitForTimeout(16_000);
await page.screenshot({ path: join(out, 'console-overview.png') });
producing = false;
await load;
await admin.commitGroupOffsets('billing', [0, 1, 2, 3, 4, 5].map((partition) => ({ topic: 'orders', partition, offset: 100 * partition })));
await page.goto(`${base}#/topics/orders/messages`);
await page.getByLabel(/^JSON predicates/).fill('amount > 200 && customer.country == "FR"');
await page.getByRole('button', { name: 'Search' }).click();
await page.locator('.record').first().waitFor();
await page.locator('.record summary').first().click();
await page.screenshot({ path: join(out, 'console-messages.png') });
await page.goto(`${base}#/groups/billing`);
await page.waitForTimeout(5_000);
await page.screenshot({ path: join(out, 'console-group.png') });
await browser.close();
await producer.close();
client.close();
await broker.stop();
rmSync(dir, { recursive: true, force: true });
console.log(`screenshots in ${out}`);
