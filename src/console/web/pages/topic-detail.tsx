/** One topic: partitions with leader, replicas, ISR and watermarks; configs with their source; add partitions; delete; and the message browser and produce form. */
import { useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { ConfirmButton, ErrorBox, FormResult, Page, TableWrap, useSubmit } from '../components/common.js';
import { count } from '../format.js';
import { usePoll } from '../hooks.js';
import type { ConfigRow, TopicDetail } from '../types.js';
import { MessageBrowser } from './message-browser.js';
import { ProduceForm } from './produce-form.js';

type Tab = 'partitions' | 'configs' | 'messages' | 'produce';
const TABS: { id: Tab; label: string }[] = [
  { id: 'partitions', label: 'Partitions' }, { id: 'configs', label: 'Configs' }, { id: 'messages', label: 'Messages' }, { id: 'produce', label: 'Produce' },
];

function Partitions({ topic, reload }: { topic: TopicDetail; reload(): void }) {
  const [total, setTotal] = useState('');
  const { busy, error, message, submit } = useSubmit(
    () => api('POST', `/topics/${enc(topic.name)}/partitions`, { count: total.trim() }),
    () => {
      reload();
      return `The topic now has ${total} partitions.`;
    },
  );
  return (
    <>
      <TableWrap>
        <table>
          <caption class="sr-only">Partitions of {topic.name}</caption>
          <thead><tr><th scope="col" class="num">Partition</th><th scope="col" class="num">Leader</th><th scope="col">Replicas</th><th scope="col">In sync</th><th scope="col" class="num">Low watermark</th><th scope="col" class="num">High watermark</th><th scope="col" class="num">Messages</th></tr></thead>
          <tbody>
            {topic.partitions.map((p) => (
              <tr key={p.partition}>
                <td class="num">{p.partition}</td>
                <td class="num">{p.leader < 0 ? <span class="tag bad">none</span> : p.leader}</td>
                <td>{p.replicas.join(', ')}</td>
                <td>{p.isr.join(', ')}{p.isr.length < p.replicas.length ? <span class="tag warn">under-replicated</span> : null}</td>
                <td class="num">{count(p.low)}</td>
                <td class="num">{count(p.high)}</td>
                <td class="num">{p.low !== null && p.high !== null ? count(p.high - p.low) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <form class="card form inline" onSubmit={submit}>
        <label>New partition count<input name="count" inputMode="numeric" required value={total} onInput={(e) => setTotal(e.currentTarget.value)} placeholder={`more than ${topic.partitions.length}`} /></label>
        <button type="submit" disabled={busy}>Add partitions</button>
        <FormResult error={error} message={message} />
      </form>
    </>
  );
}

function Configs({ topic, reload }: { topic: TopicDetail; reload(): void }) {
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [filter, setFilter] = useState('');
  const { busy, error, message, submit } = useSubmit(
    () => api('PUT', `/topics/${enc(topic.name)}/configs`, { set: { [name.trim()]: value } }),
    () => {
      reload();
      return `Set ${name} = ${value}.`;
    },
  );
  const reset = async (c: ConfigRow) => {
    await api('PUT', `/topics/${enc(topic.name)}/configs`, { delete: [c.name] });
    reload();
  };
  const shown = topic.configs.filter((c) => c.name.includes(filter.trim()));
  return (
    <>
      <form class="card form inline" onSubmit={submit} aria-label="Set a config">
        <label>Config<input name="config-name" list="config-names" required value={name} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" /></label>
        <datalist id="config-names">{topic.configs.filter((c) => !c.readOnly).map((c) => <option key={c.name} value={c.name} />)}</datalist>
        <label>Value<input name="config-value" required value={value} onInput={(e) => setValue(e.currentTarget.value)} /></label>
        <button type="submit" class="primary" disabled={busy}>Set</button>
        <FormResult error={error} message={message} />
      </form>
      <div class="toolbar"><label>Filter configs<input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} /></label></div>
      <TableWrap>
        <table>
          <caption class="sr-only">Configs of {topic.name}</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col">Source</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.name}>
                <td title={c.documentation ?? undefined}>{c.name}</td>
                <td class="mono">{c.sensitive ? '(hidden)' : c.value ?? '–'}</td>
                <td><span class={`tag src-${c.source}`} title={c.kafkaSource}>{c.source}</span></td>
                <td>{c.source === 'topic' ? <ConfirmButton label="Reset" danger={false} question={`Remove the topic's own value of ${c.name}, going back to the broker's?`} onConfirm={() => reset(c)} /> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}

export function TopicDetailPage({ name, tab }: { name: string; tab: Tab | undefined }) {
  const { data, error, reload } = usePoll(() => api<TopicDetail>('GET', `/topics/${enc(name)}`), 10_000, [name]);
  const current = tab ?? 'partitions';
  const deleteTopic = async () => {
    await api('DELETE', `/topics/${enc(name)}`);
    location.hash = '#/topics';
  };
  return (
    <Page title={`Topic ${name}`} actions={<ConfirmButton label="Delete topic" question={`Delete topic ${name} and all its records? This cannot be undone.`} onConfirm={deleteTopic} />}>
      <nav class="tabs" aria-label="Topic sections">
        {TABS.map((t) => <a key={t.id} href={`#/topics/${enc(name)}/${t.id}`} aria-current={current === t.id ? 'page' : undefined}>{t.label}</a>)}
      </nav>
      <ErrorBox error={error} />
      {data ? (
        current === 'partitions' ? <Partitions topic={data} reload={reload} />
          : current === 'configs' ? <Configs topic={data} reload={reload} />
            : current === 'messages' ? <MessageBrowser topic={data} />
              : <ProduceForm topic={data} />
      ) : !error ? <p aria-busy="true">Loading…</p> : null}
    </Page>
  );
}

export type { Tab as TopicTab };
