/**
 * The web console in headless Chromium (Debian's `chromium`, driven by playwright-core): the
 * overview, creating a topic from the form (and its errors), adding partitions, configs with
 * their source and a refused value, producing records, finding one in the message browser with a
 * filter and live tail, a consumer group's lag falling to 0 as a kafkajs consumer catches up,
 * resetting its offsets and deleting it, deleting the topic; then a phone-sized screen.
 * Assertions are on the DOM; a screenshot of each page is saved under test-results/console.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Admin } from '../../src/client/admin/admin.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { Producer } from '../../src/client/producer/index.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
const ARTIFACTS = process.env.GREGOR_TEST_ARTIFACTS ?? join(process.cwd(), 'test-results', 'console');
if (!CHROMIUM) console.log('# skipping the console browser tests: no chromium found (apt-get install chromium, or set CHROMIUM_PATH)');

const TOPIC = 'browser-topic';
const GROUP = 'browser-group';

describe('web console in a browser', { skip: CHROMIUM ? false : 'no chromium executable' }, () => {
  let server: TestBroker;
  let browser: Browser;
  let page: Page;
  let client: KafkaClient;
  let admin: Admin;
  let base = '';

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const alert = () => page.locator('[role=alert]').first();
  const status = () => page.locator('p[role=status].ok').first();
  /** Every visible form control has an accessible name. */
  const assertLabelled = async () => {
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
      .filter((e) => e.offsetParent !== null && (e.labels?.length ?? 0) === 0 && !e.getAttribute('aria-label'))
      .map((e) => e.outerHTML)`);
    assert.deepEqual(unlabelled, []);
  };

  /**
   * Polls an expression in the page until it is true. (page.waitForFunction compiles strings with
   * eval, which the console's Content-Security-Policy forbids; evaluate does not.)
   */
  const until = async (expression: string, timeoutMs = 15_000, on: Page = page) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await on.evaluate<boolean>(expression))) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for: ${expression}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestBroker({ 'http.listeners': 'http://127.0.0.1:0', 'num.partitions': '1' });
    base = `http://127.0.0.1:${server.broker.http.bound[0]!.port}`;
    client = await KafkaClient.connect({ bootstrap: [server.bootstrap], clientId: 'console-browser-test' });
    admin = new Admin(client);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => assert.fail(`the page threw: ${e.message}`));
  });

  after(async () => {
    await browser?.close();
    client?.close();
    await server?.stop();
  });

  it('opens on the overview from / with the cluster and live charts', async () => {
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/ui/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const brokers = page.locator('.stat', { hasText: 'Brokers' }).locator('.stat-value');
    assert.equal(await brokers.textContent(), '1');
    await page.getByRole('cell', { name: server.bootstrap }).waitFor();
    await page.locator('.chart canvas').first().waitFor();
    assert.equal(await page.locator('.chart canvas').count(), 2);
    await shot('overview');
  });

  it('creates a topic from the form, showing errors for bad input', async () => {
    await page.getByRole('link', { name: 'Topics' }).click();
    await page.getByRole('heading', { name: 'Topics' }).waitFor();
    await assertLabelled();
    await page.getByLabel('Name', { exact: true }).fill(TOPIC);
    await page.getByLabel('Partitions', { exact: true }).fill('many');
    await page.getByRole('button', { name: 'Create topic' }).click();
    await alert().filter({ hasText: "'partitions' must be a whole number" }).waitFor();
    await page.getByLabel('Partitions', { exact: true }).fill('2');
    await page.getByLabel(/^Configs/).fill('retention.ms=abc');
    await page.getByRole('button', { name: 'Create topic' }).click();
    await alert().filter({ hasText: 'INVALID_CONFIG' }).waitFor();
    await page.getByLabel(/^Configs/).fill('retention.ms=86400000');
    await page.getByRole('button', { name: 'Create topic' }).click();
    await status().filter({ hasText: `Created ${TOPIC} with 2 partition(s).` }).waitFor();
    await page.getByRole('link', { name: TOPIC }).waitFor();
    assert.ok((await admin.listTopics()).includes(TOPIC));
    await shot('topics');
  });

  it('shows partitions, adds partitions, and alters configs with validation', async () => {
    await page.getByRole('link', { name: TOPIC }).click();
    await page.getByRole('heading', { name: `Topic ${TOPIC}` }).waitFor();
    await until(`document.querySelectorAll('tbody tr').length === 2`);
    await page.getByLabel('New partition count').fill('3');
    await page.getByRole('button', { name: 'Add partitions' }).click();
    await status().filter({ hasText: 'now has 3 partitions' }).waitFor();
    await until(`document.querySelectorAll('tbody tr').length === 3`);
    await shot('topic-partitions');
    await page.getByRole('link', { name: 'Configs' }).click();
    const retention = page.getByRole('row', { name: /^retention\.ms / });
    await retention.waitFor();
    assert.match((await retention.textContent())!, /86400000\s*topic/);
    await page.getByLabel('Config', { exact: true }).fill('retention.ms');
    await page.getByLabel('Value').fill('forever');
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await alert().filter({ hasText: 'INVALID_CONFIG' }).waitFor();
    await page.getByLabel('Value').fill('3600000');
    await page.getByRole('button', { name: 'Set', exact: true }).click();
    await page.getByRole('row', { name: /^retention\.ms 3600000 topic/ }).waitFor();
    await assertLabelled();
    await shot('topic-configs');
  });

  it('produces records from the form', async () => {
    await page.getByRole('link', { name: 'Produce' }).click();
    await page.getByRole('heading', { name: 'Produce a record' }).waitFor();
    await assertLabelled();
    const produce = async (key: string, value: string, format: string, headers = '') => {
      await page.getByLabel('Key', { exact: true }).fill(key);
      await page.getByLabel('Value format').selectOption(format);
      await page.getByLabel(/^Headers/).fill(headers);
      await page.getByLabel('Value', { exact: true }).fill(value);
      await page.getByRole('button', { name: 'Produce' }).click();
    };
    await produce('bad', '{"amount":', 'json');
    await alert().filter({ hasText: "'value' is not valid JSON" }).waitFor();
    await produce('order-1', '{"kind":"order","amount":5}', 'json');
    await status().filter({ hasText: /Produced to partition \d at offset 0/ }).waitFor();
    await produce('order-2', '{"kind":"order","amount":50,"customer":{"country":"FR"}}', 'json', 'trace: t-50');
    await status().filter({ hasText: /Produced to partition \d at offset \d/ }).waitFor();
    await produce('note', 'hello there', 'text');
    await until(`document.querySelector('p[role=status].ok')?.textContent?.includes('Produced')`);
    await shot('produce');
  });

  it('finds a record with a filter evaluated on the broker, and tails new ones', async () => {
    await page.getByRole('link', { name: 'Messages' }).click();
    await assertLabelled();
    await page.getByRole('button', { name: 'Search' }).click();
    await until(`document.querySelectorAll('.record').length === 3`);
    await page.getByLabel(/^JSON predicates/).fill('amount > 10 && customer.country == "FR"');
    await page.getByRole('button', { name: 'Search' }).click();
    await until(`document.querySelectorAll('.record').length === 1`);
    const record = page.locator('.record').first();
    assert.match((await record.textContent())!, /key: order-2/);
    await record.locator('summary').first().click();
    await record.getByText('t-50').waitFor();
    await record.locator('.json-key', { hasText: '"country"' }).waitFor();
    await page.getByLabel('Show values as').selectOption('hex');
    await record.locator('pre.hex').filter({ hasText: '7b 22 6b 69' }).waitFor();
    await shot('messages');
    await page.getByLabel(/^JSON predicates/).fill('');
    await page.getByLabel('Header contains').fill('nothing-has-this');
    await page.getByRole('button', { name: 'Search' }).click();
    await until(`document.querySelectorAll('.record').length === 0 && document.body.textContent.includes('0 record(s) shown')`);
    await page.getByLabel('Header contains').fill('');
    await page.getByLabel(/^JSON predicates/).fill('amount >');
    await page.getByRole('button', { name: 'Search' }).click();
    await alert().filter({ hasText: 'no value to compare' }).waitFor();
    await page.getByLabel(/^JSON predicates/).fill('');
    await page.getByRole('button', { name: 'Live tail' }).click();
    await until(`document.body.textContent.includes('tailing')`);
    const producer = new Producer(client, { lingerMs: 0 });
    await producer.send(TOPIC, [{ key: 'tailed', value: 'arrived while tailing', partition: 1 }]);
    await producer.close();
    await page.locator('.record', { hasText: 'arrived while tailing' }).waitFor();
    await page.getByRole('button', { name: 'Stop live tail' }).click();
  });

  it("shows a consumer group's lag fall to 0, resets its offsets and deletes it", async () => {
    const parts = [0, 1, 2];
    await admin.commitGroupOffsets(GROUP, parts.map((partition) => ({ topic: TOPIC, partition, offset: 0 })));
    const total = 4;
    await page.getByRole('link', { name: 'Consumer groups' }).click();
    const row = page.getByRole('row', { name: new RegExp(`^${GROUP} classic Empty 0 ${TOPIC} ${total}$`) });
    await row.waitFor();
    await page.getByRole('link', { name: GROUP }).click();
    const lag = page.getByTestId('total-lag');
    await until(`document.querySelector('[data-testid=total-lag]')?.textContent === '${total}'`);
    const kafka = new Kafka({ brokers: [server.bootstrap], clientId: 'console-lag', logLevel: logLevel.NOTHING });
    const consumer: Consumer = kafka.consumer({ groupId: GROUP, heartbeatInterval: 500 });
    let seen = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC });
    await consumer.run({ autoCommitInterval: 100, eachMessage: async () => void seen++ });
    try {
      await until(`document.querySelector('[data-testid=total-lag]')?.textContent === '0'`, 30_000);
      assert.equal(seen, total);
      await page.getByRole('cell', { name: 'console-lag', exact: true }).waitFor();
      assert.equal(await page.locator('.chart canvas').count(), 1);
      await shot('group');
    } finally {
      await consumer.disconnect();
    }
    await page.getByText('Empty', { exact: true }).waitFor();
    await assertLabelled();
    await page.locator('select[name=to]').selectOption('earliest');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Reset offsets' }).click();
    await status().filter({ hasText: 'Reset 3 partition(s).' }).waitFor();
    await until(`document.querySelector('[data-testid=total-lag]')?.textContent === '${total}'`);
    assert.equal(await lag.textContent(), String(total));
    const committed = await admin.fetchGroupOffsets(GROUP);
    assert.deepEqual(committed.map((o) => o.offset), [0, 0, 0]);
    await page.getByRole('button', { name: 'Delete group' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete group' }).click();
    await page.getByRole('heading', { name: 'Consumer groups' }).waitFor();
    await page.getByText('No groups.').waitFor();
    assert.deepEqual((await admin.listGroups()).map((g) => g.groupId), []);
  });

  it('deletes the topic after confirmation', async () => {
    await page.goto(`${base}/ui/#/topics/${TOPIC}`);
    await page.getByRole('button', { name: 'Delete topic' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    assert.ok((await admin.listTopics()).includes(TOPIC));
    await page.getByRole('button', { name: 'Delete topic' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete topic' }).click();
    await page.getByRole('heading', { name: 'Topics' }).waitFor();
    await page.getByText('No topics yet.').waitFor();
    assert.equal((await admin.listTopics()).includes(TOPIC), false);
  });

  it('fits a phone screen and can be used from the keyboard', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    try {
      await phone.goto(`${base}/ui/#/topics`);
      await phone.getByRole('heading', { name: 'Topics' }).waitFor();
      const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
      await phone.screenshot({ path: join(ARTIFACTS, 'phone-topics.png'), fullPage: true });
      await phone.keyboard.press('Tab');
      assert.equal(await phone.evaluate('document.activeElement?.textContent'), 'Skip to content');
      await phone.keyboard.press('Enter');
      assert.equal(await phone.evaluate('document.activeElement?.id'), 'main');
      await phone.keyboard.press('Tab');
      assert.equal(await phone.evaluate('document.activeElement?.name'), 'name');
    } finally {
      await phone.close();
    }
  });
});
