/**
 * Quota bookkeeping with explicit times: the windowed rate and Kafka's throttle formula, which
 * entity's quota applies to a client (Kafka's precedence) and who shares a rate, and the entity
 * names and validation of AlterClientQuotas.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateSensor } from '../../../src/broker/quota/rate-sensor.js';
import { QuotaManager } from '../../../src/broker/quota/quota-manager.js';
import { invalidQuota, protocolEntity, storeEntity } from '../../../src/broker/quota/quota-entity.js';
import type { EntityType } from '../../../src/broker/metadata/metadata-store.js';

test('the rate covers at least samples-1 windows; throttle = (rate - quota) / quota * span', () => {
  const s = new RateSensor(11, 1000);
  s.record(50_000, 0);
  assert.equal(s.span(0), 10_000);
  assert.equal(s.rate(0), 5_000);
  assert.equal(s.throttleMs(10_000, 0), 0);
  s.record(150_000, 500);
  assert.equal(s.rate(500), 20_000); // 200 KB over 10 s
  assert.equal(s.throttleMs(10_000, 500), 10_000); // (20k - 10k) / 10k * 10 s
  // samples older than the windows drop out
  assert.equal(s.rate(20_000), 0);
});

function manager(configs: Partial<Record<EntityType, Record<string, Record<string, string>>>>): QuotaManager {
  return new QuotaManager((t) => configs[t] ?? {}, () => ({ samples: 2, windowMs: 1000 }));
}

test("Kafka's precedence: user+client, user+default client, user, default user+client, ..., default client", () => {
  const q = manager({
    users: { 'alice/clients/app': { producer_byte_rate: '1' }, 'alice/clients/<default>': { producer_byte_rate: '2' }, alice: { producer_byte_rate: '3' }, '<default>/clients/app': { producer_byte_rate: '4' }, '<default>': { producer_byte_rate: '6' } },
    clients: { app: { producer_byte_rate: '7' }, '<default>': { producer_byte_rate: '8' } },
  });
  assert.equal(q.resolve('produce', 'alice', 'app')?.quota, 1);
  assert.equal(q.resolve('produce', 'alice', 'other')?.quota, 2);
  assert.equal(q.resolve('produce', 'bob', 'app')?.quota, 4);
  assert.equal(q.resolve('produce', 'bob', 'other')?.quota, 6);
  const clientsOnly = manager({ clients: { app: { producer_byte_rate: '7' }, '<default>': { producer_byte_rate: '8' } } });
  assert.equal(clientsOnly.resolve('produce', 'bob', 'app')?.quota, 7);
  assert.equal(clientsOnly.resolve('produce', 'bob', 'x')?.quota, 8);
  assert.equal(clientsOnly.resolve('fetch', 'bob', 'x'), undefined);
  // request_percentage is kept in ms per second
  assert.equal(manager({ users: { bob: { request_percentage: '25' } } }).resolve('request', 'bob', 'x')?.quota, 250);
});

test("a user's quota is shared by the user's clients; a default applies to each user apart", () => {
  const q = manager({ users: { alice: { producer_byte_rate: '1000' }, '<default>': { producer_byte_rate: '1000' } } });
  assert.equal(q.record('produce', 'alice', 'a', 800, 0), 0);
  assert.ok(q.record('produce', 'alice', 'b', 800, 10) > 0, 'alice\'s two clients share 1000 B/s');
  assert.equal(q.record('produce', 'bob', 'a', 800, 20), 0);
  assert.equal(q.record('produce', 'carol', 'a', 800, 30), 0, 'the default quota is per user');
  assert.equal(manager({}).record('produce', 'alice', 'a', 1e9, 0), 0, 'no quota, no throttle');
});

test('entities map between the protocol and the store, and bad ones are refused', () => {
  const cases: [{ entityType: string; entityName: string | null }[], { type: EntityType; name: string }][] = [
    [[{ entityType: 'user', entityName: 'alice' }], { type: 'users', name: 'alice' }],
    [[{ entityType: 'client-id', entityName: null }], { type: 'clients', name: '<default>' }],
    [[{ entityType: 'client-id', entityName: 'app' }, { entityType: 'user', entityName: null }], { type: 'users', name: '<default>/clients/app' }],
    [[{ entityType: 'ip', entityName: '10.0.0.1' }], { type: 'ips', name: '10.0.0.1' }],
  ];
  for (const [components, stored] of cases) {
    assert.deepEqual(storeEntity(components), stored);
    assert.deepEqual(protocolEntity(stored).sort((a, b) => (a.entityType < b.entityType ? -1 : 1)), [...components].sort((a, b) => (a.entityType < b.entityType ? -1 : 1)));
  }
  assert.match(storeEntity([{ entityType: 'ip', entityName: 'nope' }]) as string, /not a valid IP/);
  assert.match(storeEntity([{ entityType: 'ip', entityName: null }, { entityType: 'user', entityName: 'a' }]) as string, /Invalid entity combination/);
  assert.match(storeEntity([{ entityType: 'user', entityName: 'a' }, { entityType: 'user', entityName: 'b' }]) as string, /Duplicate/);
  assert.match(invalidQuota({ type: 'users', name: 'a' }, 'connection_creation_rate', 5)!, /Invalid configuration key/);
  assert.match(invalidQuota({ type: 'users', name: 'a' }, 'producer_byte_rate', 1.5)!, /whole number/);
  assert.match(invalidQuota({ type: 'clients', name: 'a' }, 'request_percentage', -1)!, /positive/);
  assert.equal(invalidQuota({ type: 'clients', name: 'a' }, 'request_percentage', 12.5), undefined);
});
