/**
 * Random requests to every HTTP API (REST v3 and v2, schema registry, queries): each is answered
 * with a status and, for errors, a JSON body with an error code and a message — never a 500 from
 * an unexpected exception, a hang or a dropped connection — and the broker keeps serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestBroker, type TestBroker } from '../support/broker.js';

describe('HTTP APIs under random requests', () => {
  let server: TestBroker;
  let base = '';
  let cluster = '';

  before(async () => {
    server = await startTestBroker({ 'http.listeners': 'http://127.0.0.1:0', 'num.partitions': '2' });
    base = `http://127.0.0.1:${server.broker.http.bound[0]!.port}`;
    cluster = ((await (await fetch(`${base}/v3/clusters`)).json()) as { data: { cluster_id: string }[] }).data[0]!.cluster_id;
    await fetch(`${base}/v3/clusters/${cluster}/topics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"topic_name":"f"}' });
  });

  after(async () => {
    await server?.stop();
  });

  it('answers 300 random requests with JSON errors and keeps serving', async () => {
    const c = () => cluster;
    const paths = [
      () => `/v3/clusters/${c()}/topics/f/records`, () => `/v3/clusters/${c()}/topics/f/records:batch`, () => `/v3/clusters/${c()}/topics/f/configs:alter`,
      () => `/v3/clusters/${c()}/topics/f/configs/retention.ms`, () => `/v3/clusters/${c()}/topics`, () => `/v3/clusters/${c()}/topics/f`,
      () => `/v3/clusters/${c()}/consumer-groups/g/lags`, () => `/v3/clusters/${c()}/acls`, () => '/v3/clusters/x/topics',
      () => '/consumers/g', () => '/consumers/g/instances/i/records', () => '/consumers/g/instances/i/subscription',
      () => '/subjects/s/versions', () => '/subjects/s', () => '/subjects/s/versions/latest', () => '/schemas/ids/1', () => '/config/s', () => '/mode', () => '/compatibility/subjects/s/versions/latest',
      () => '/query/topics/f', () => '/query/topics/%ZZ',
    ];
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const bodies = ['', '{}', 'null', '[]', '"x"', '{"value":{"type":"BINARY","data":7}}', '{"topic_name":""}', '{"schema":5}', '{"schema":"{"}',
      '{"schemaType":"PROTOBUF","schema":"message {"}', '{"entries":[{}]}', '{"data":[{"name":1}]}', '{"partitions_count":-1}', '{"compatibility":7}',
      '{"mode":null}', '{"topics":[5]}', '{"format":"xml"}', '{"value":{"type":"AVRO","schema":"{\\"type\\":\\"int\\"}","data":"not an int"}}', '{"a":', '\u0000\u00ff'];
    const queries = ['', '?where=%5B', '?limit=-1', '?fromTime=x', '?partitions=9', '?timeout=abc', '?deleted=true', '?verbose=true'];
    let seed = 7;
    const pick = <T>(xs: readonly T[]): T => xs[(seed = (seed * 1103515245 + 12345) % 2147483648) % xs.length]!;
    for (let i = 0; i < 300; i++) {
      const method = pick(methods);
      const url = `${base}${pick(paths)()}${pick(queries)}`;
      const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : pick(bodies), signal: AbortSignal.timeout(15_000) });
      const text = await res.text();
      assert.notEqual(res.status, 500, `${method} ${url}: ${text}`);
      if (res.status >= 400) {
        const body = JSON.parse(text) as { error_code: number; message: string };
        assert.ok(Number.isInteger(body.error_code) && typeof body.message === 'string' && body.message.length > 0, `${method} ${url}: ${text}`);
      }
    }
    assert.equal((await fetch(`${base}/v3/clusters/${cluster}`)).status, 200);
    assert.equal((await fetch(`${base}/subjects`)).status, 200);
  });
});
