/** Consumer groups: the list, and one group's members, offsets and lag (with a lag-over-time chart), offset reset and delete. */
import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { ConfirmButton, ErrorBox, FormResult, Page, Stat, TableWrap, useSubmit } from '../components/common.js';
import { LineChart } from '../components/line-chart.js';
import { count } from '../format.js';
import { usePoll } from '../hooks.js';
import type { GroupDetail, GroupRow } from '../types.js';

export function GroupsPage() {
  const { data, error } = usePoll(() => api<GroupRow[]>('GET', '/groups'), 5000, []);
  return (
    <Page title="Consumer groups">
      <ErrorBox error={error} />
      {data ? (
        <TableWrap>
          <table>
            <caption class="sr-only">Consumer groups</caption>
            <thead><tr><th scope="col">Group</th><th scope="col">Protocol</th><th scope="col">State</th><th scope="col" class="num">Members</th><th scope="col">Topics</th><th scope="col" class="num">Lag</th></tr></thead>
            <tbody>
              {data.length === 0 ? <tr><td colSpan={6}>No groups.</td></tr> : data.map((g) => (
                <tr key={g.groupId}>
                  <td><a href={`#/groups/${enc(g.groupId)}`}>{g.groupId}</a></td>
                  <td>{g.type}</td>
                  <td><span class={`tag state-${g.state.toLowerCase()}`}>{g.state}</span></td>
                  <td class="num">{g.members}</td>
                  <td>{g.topics.join(', ') || '–'}</td>
                  <td class="num">{count(g.lag)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      ) : !error ? <p aria-busy="true">Loading…</p> : null}
    </Page>
  );
}

function ResetForm({ group, onDone }: { group: GroupDetail; onDone(): void }) {
  const topics = [...new Set(group.offsets.map((o) => o.topic))];
  const [topic, setTopic] = useState('');
  const [to, setTo] = useState<'earliest' | 'latest' | 'offset' | 'timestamp'>('earliest');
  const [offset, setOffset] = useState('');
  const [when, setWhen] = useState('');
  const { busy, error, message, submit } = useSubmit(
    () => {
      if (!confirm(`Reset the offsets of ${group.groupId}${topic ? ` on ${topic}` : ''} to ${to}?`)) return Promise.resolve(undefined);
      return api<{ offsets: unknown[] }>('POST', `/groups/${enc(group.groupId)}/reset`, {
        to, ...(topic ? { topic } : {}), ...(to === 'offset' ? { offset } : {}), ...(to === 'timestamp' ? { timestamp: when ? new Date(when).getTime() : '' } : {}),
      });
    },
    (r) => {
      if (!r) return;
      onDone();
      return `Reset ${r.offsets.length} partition(s).`;
    },
  );
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="reset-title">
      <h2 id="reset-title">Reset offsets</h2>
      <p class="muted">Only while the group has no active members, as kafka-consumer-groups requires.</p>
      <div class="row">
        <label>Topic
          <select name="topic" value={topic} onChange={(e) => setTopic(e.currentTarget.value)}>
            <option value="">All topics of the group</option>
            {topics.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
        <label>To
          <select name="to" value={to} onChange={(e) => setTo(e.currentTarget.value as typeof to)}>
            <option value="earliest">Earliest</option><option value="latest">Latest</option><option value="offset">Offset</option><option value="timestamp">Time</option>
          </select>
        </label>
        {to === 'offset' ? <label>Offset<input name="offset" inputMode="numeric" required value={offset} onInput={(e) => setOffset(e.currentTarget.value)} /></label> : null}
        {to === 'timestamp' ? <label>Time<input name="timestamp" type="datetime-local" step="1" required value={when} onInput={(e) => setWhen(e.currentTarget.value)} /></label> : null}
      </div>
      <button type="submit" class="danger" disabled={busy}>Reset offsets</button>
      <FormResult error={error} message={message} />
    </form>
  );
}

export function GroupDetailPage({ id }: { id: string }) {
  const { data, error, reload } = usePoll(() => api<GroupDetail>('GET', `/groups/${enc(id)}`), 2000, [id]);
  const [history, setHistory] = useState<{ t: number; lag: number }[]>([]);
  useEffect(() => {
    if (!data) return;
    const lag = data.offsets.reduce((s, o) => s + (o.lag ?? 0), 0);
    setHistory((h) => (h.length && h[h.length - 1]!.t === data.at / 1000 ? h : [...h.slice(-179), { t: data.at / 1000, lag }]));
  }, [data]);
  const total = history.length ? history[history.length - 1]!.lag : undefined;
  const del = async () => {
    await api('DELETE', `/groups/${enc(id)}`);
    location.hash = '#/groups';
  };
  return (
    <Page title={`Group ${id}`} actions={<ConfirmButton label="Delete group" question={`Delete group ${id} and its committed offsets?`} onConfirm={del} />}>
      <ErrorBox error={error} />
      {data ? (
        <>
          <div class="stats">
            <Stat label="State" value={data.state} />
            <Stat label="Members" value={count(data.members.length)} />
            <Stat label="Assignor" value={data.protocol || '–'} />
            <Stat label="Total lag" value={<span data-testid="total-lag">{count(total)}</span>} warn={(total ?? 0) > 0} />
          </div>
          <div class="charts">
            <LineChart title="Total lag over time" format={(v) => count(Math.round(v))} series={[{ label: 'Lag', color: '#dc2626' }]}
              data={[history.map((h) => h.t), history.map((h) => h.lag)]} />
          </div>
          <h2>Lag per partition</h2>
          <TableWrap>
            <table>
              <caption class="sr-only">Offsets and lag per partition</caption>
              <thead><tr><th scope="col">Topic</th><th scope="col" class="num">Partition</th><th scope="col" class="num">Committed</th><th scope="col" class="num">End offset</th><th scope="col" class="num">Lag</th><th scope="col">Member</th></tr></thead>
              <tbody>
                {data.offsets.length === 0 ? <tr><td colSpan={6}>No committed offsets.</td></tr> : data.offsets.map((o) => (
                  <tr key={`${o.topic}-${o.partition}`}>
                    <td>{o.topic}</td><td class="num">{o.partition}</td><td class="num">{count(o.committed)}</td><td class="num">{count(o.end)}</td>
                    <td class="num" data-testid="partition-lag">{count(o.lag)}</td><td class="mono small">{o.memberId ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <h2>Members</h2>
          <TableWrap>
            <table>
              <caption class="sr-only">Members and their assignments</caption>
              <thead><tr><th scope="col">Member</th><th scope="col">Client</th><th scope="col">Host</th><th scope="col">Assignment</th></tr></thead>
              <tbody>
                {data.members.length === 0 ? <tr><td colSpan={4}>No active members.</td></tr> : data.members.map((m) => (
                  <tr key={m.memberId}>
                    <td class="mono small">{m.memberId}{m.instanceId ? ` (static: ${m.instanceId})` : ''}</td><td>{m.clientId}</td><td>{m.host}</td>
                    <td>{m.assignment.map((a) => `${a.topic} [${a.partitions.join(', ')}]`).join('; ') || '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <ResetForm group={data} onDone={reload} />
        </>
      ) : !error ? <p aria-busy="true">Loading…</p> : null}
    </Page>
  );
}
