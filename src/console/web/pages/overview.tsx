/** Overview: brokers and controller, topic and partition counts, partition health, live throughput of the broker serving the console. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBox, Page, Stat, TableWrap } from '../components/common.js';
import { LineChart } from '../components/line-chart.js';
import { bytes, count, rate } from '../format.js';
import { usePoll } from '../hooks.js';
import type { Overview } from '../types.js';

const POINTS = 90;

interface Sample { t: number; bytesIn: number; bytesOut: number; messagesIn: number }

export function OverviewPage() {
  const { data, error } = usePoll(() => api<Overview>('GET', '/overview'), 2000, []);
  const [series, setSeries] = useState<Sample[]>([]);
  const [last, setLast] = useState<Overview['traffic'] | undefined>();
  useEffect(() => {
    if (!data) return;
    const now = data.traffic;
    if (last && now.at > last.at) {
      const dt = (now.at - last.at) / 1000;
      setSeries((s) => [...s.slice(-(POINTS - 1)), {
        t: now.at / 1000,
        bytesIn: Math.max(0, now.bytesIn - last.bytesIn) / dt,
        bytesOut: Math.max(0, now.bytesOut - last.bytesOut) / dt,
        messagesIn: Math.max(0, now.messagesIn - last.messagesIn) / dt,
      }]);
    }
    setLast(now);
  }, [data]);
  const t = series.map((s) => s.t);
  const latest = series[series.length - 1];
  return (
    <Page title="Overview">
      <ErrorBox error={error} />
      {data ? (
        <>
          <div class="stats">
            <Stat label="Brokers" value={count(data.brokers.length)} />
            <Stat label="Topics" value={count(data.topics)} />
            <Stat label="Partitions" value={count(data.partitions)} />
            <Stat label="Under-replicated" value={count(data.underReplicated)} warn={data.underReplicated > 0} />
            <Stat label="Offline" value={count(data.offline)} warn={data.offline > 0} />
            <Stat label="Messages in" value={rate(latest?.messagesIn)} />
          </div>
          <div class="charts">
            <LineChart title={`Throughput of broker ${data.servedBy}`} format={(v) => `${bytes(v)}/s`}
              series={[{ label: 'In', color: '#2563eb' }, { label: 'Out', color: '#16a34a' }]}
              data={[t, series.map((s) => s.bytesIn), series.map((s) => s.bytesOut)]} />
            <LineChart title={`Messages in per second, broker ${data.servedBy}`} format={(v) => rate(v, '')}
              series={[{ label: 'Messages', color: '#9333ea' }]}
              data={[t, series.map((s) => s.messagesIn)]} />
          </div>
          <h2>Brokers</h2>
          <p class="muted">Cluster {data.clusterId ?? '(no id)'}</p>
          <TableWrap>
            <table>
              <caption class="sr-only">Brokers of the cluster</caption>
              <thead><tr><th scope="col">Id</th><th scope="col">Address</th><th scope="col">Rack</th><th scope="col">Role</th></tr></thead>
              <tbody>
                {data.brokers.map((b) => (
                  <tr key={b.id}>
                    <td>{b.id}</td>
                    <td>{b.host}:{b.port}</td>
                    <td>{b.rack ?? '–'}</td>
                    <td>{[b.id === data.controllerId ? 'controller' : null, b.id === data.servedBy ? 'serving this console' : null].filter(Boolean).join(', ') || 'broker'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </>
      ) : !error ? <p aria-busy="true">Loading…</p> : null}
    </Page>
  );
}
