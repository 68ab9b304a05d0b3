/**
 * The single-node metadata store keeps client entities' settings (SCRAM credentials, quotas) in
 * its JSON file: they survive a reopen, and removing an entity's last setting removes it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbeddedMetadataStore } from '../../src/cluster/embedded-metadata-store.js';
import { MemoryFileSystem } from '../../src/storage/fs/memory-file-system.js';

const SELF = { nodeId: 1, host: '127.0.0.1', port: 9092, rack: null };

test('entity settings persist across a reopen and are announced as they change', async () => {
  const fs = new MemoryFileSystem();
  const store = await EmbeddedMetadataStore.open(fs, '/data', SELF);
  const changes: string[] = [];
  store.onChange((c) => {
    if (c.kind === 'entityConfigs') changes.push(`${c.entityType}:${c.name}`);
  });
  await store.setEntityConfigs('users', 'alice', { 'SCRAM-SHA-512': 'salt=YQ==,stored_key=Yg==,server_key=Yw==,iterations=4096' });
  await store.setEntityConfigs('ips', '10.0.0.1', { connection_creation_rate: '5' });
  await store.setEntityConfigs('users', 'bob', { producer_byte_rate: '100' });
  await store.setEntityConfigs('users', 'bob', {});
  assert.deepEqual(changes, ['users:alice', 'ips:10.0.0.1', 'users:bob', 'users:bob']);
  await store.close();

  const reopened = await EmbeddedMetadataStore.open(fs, '/data', SELF);
  assert.deepEqual(reopened.entityConfigs('users'), { alice: { 'SCRAM-SHA-512': 'salt=YQ==,stored_key=Yg==,server_key=Yw==,iterations=4096' } });
  assert.deepEqual(reopened.entityConfigs('ips'), { '10.0.0.1': { connection_creation_rate: '5' } });
  assert.deepEqual(reopened.entityConfigs('clients'), {});
  // a copy, not the store's own state
  reopened.entityConfigs('users').alice!['SCRAM-SHA-512'] = 'changed';
  assert.notEqual(reopened.entityConfigs('users').alice!['SCRAM-SHA-512'], 'changed');
  await reopened.close();
});
