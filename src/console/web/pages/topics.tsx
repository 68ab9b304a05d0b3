/** Topics: the list (partitions, replication, size, message rate) and the create form. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { ErrorBox, FormResult, Page, TableWrap, useSubmit } from '../components/common.js';
import { bytes, count, rate } from '../format.js';
import { usePoll } from '../hooks.js';
import type { TopicRow } from '../types.js';

/** `name=value` lines into a config object; throws on a line without `=`. */
export function parseConfigLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).forEach((line, i) => {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`config line ${i + 1} ('${line}') is not name=value`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  return out;
}

function CreateTopicForm({ onCreated }: { onCreated(): void }) {
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('');
  const [replication, setReplication] = useState('');
  const [configs, setConfigs] = useState('');
  const { busy, error, message, submit } = useSubmit(async () => {
    const body = {
      name,
      ...(partitions.trim() ? { partitions: partitions.trim() } : {}),
      ...(replication.trim() ? { replicationFactor: replication.trim() } : {}),
      configs: parseConfigLines(configs),
    };
    return api<{ name: string; partitions: number }>('POST', '/topics', body);
  }, (r) => {
    setName('');
    onCreated();
    return `Created ${r.name} with ${r.partitions} partition(s).`;
  });
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="create-topic">
      <h2 id="create-topic">Create a topic</h2>
      <div class="row">
        <label>Name<input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" /></label>
        <label>Partitions<input name="partitions" inputMode="numeric" placeholder="broker default" value={partitions} onInput={(e) => setPartitions(e.currentTarget.value)} /></label>
        <label>Replication factor<input name="replicationFactor" inputMode="numeric" placeholder="broker default" value={replication} onInput={(e) => setReplication(e.currentTarget.value)} /></label>
      </div>
      <label>Configs (one name=value per line)<textarea name="configs" rows={2} placeholder="retention.ms=86400000" value={configs} onInput={(e) => setConfigs(e.currentTarget.value)} /></label>
      <button type="submit" class="primary" disabled={busy}>Create topic</button>
      <FormResult error={error} message={message} />
    </form>
  );
}

export function TopicsPage() {
  const [internal, setInternal] = useState(false);
  const { data, error, reload } = usePoll(() => api<TopicRow[]>('GET', `/topics?internal=${internal}`), 5000, [internal]);
  const previous = useRef<{ at: number; ends: Map<string, number> } | undefined>();
  const [rates, setRates] = useState<Map<string, number>>(new Map());
  useEffect(() => {
    if (!data) return;
    const at = Date.now();
    const ends = new Map(data.filter((t) => t.endOffsets !== null).map((t) => [t.name, t.endOffsets!]));
    const before = previous.current;
    if (before && at > before.at) {
      const r = new Map<string, number>();
      for (const [name, end] of ends) {
        const was = before.ends.get(name);
        if (was !== undefined) r.set(name, Math.max(0, end - was) / ((at - before.at) / 1000));
      }
      setRates(r);
    }
    previous.current = { at, ends };
  }, [data]);
  return (
    <Page title="Topics">
      <CreateTopicForm onCreated={reload} />
      <div class="toolbar">
        <label class="check"><input type="checkbox" checked={internal} onChange={(e) => setInternal(e.currentTarget.checked)} /> Show internal topics</label>
      </div>
      <ErrorBox error={error} />
      {data ? (
        <TableWrap>
          <table>
            <caption class="sr-only">Topics</caption>
            <thead><tr><th scope="col">Name</th><th scope="col" class="num">Partitions</th><th scope="col" class="num">Replication</th><th scope="col" class="num">Size on disk</th><th scope="col" class="num">Messages</th><th scope="col" class="num">Message rate</th><th scope="col">Health</th></tr></thead>
            <tbody>
              {data.length === 0 ? <tr><td colSpan={7}>No topics yet.</td></tr> : data.map((t) => (
                <tr key={t.name}>
                  <td><a href={`#/topics/${enc(t.name)}`}>{t.name}</a>{t.internal ? <span class="tag">internal</span> : null}</td>
                  <td class="num">{t.partitions}</td>
                  <td class="num">{t.replicationFactor}</td>
                  <td class="num">{bytes(t.sizeBytes)}</td>
                  <td class="num">{count(t.endOffsets)}</td>
                  <td class="num">{rate(rates.get(t.name))}</td>
                  <td>{t.offline > 0 ? <span class="tag bad">{t.offline} offline</span> : t.underReplicated > 0 ? <span class="tag warn">{t.underReplicated} under-replicated</span> : <span class="tag good">ok</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : !error ? <p aria-busy="true">Loading…</p> : null}
    </Page>
  );
}
