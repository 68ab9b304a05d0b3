/** A live line chart (uPlot): x is time in seconds, one line per series; resizes with its box. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface SeriesSpec {
  label: string;
  color: string;
}

export function LineChart({ title, series, data, format }: {
  title: string;
  series: readonly SeriesSpec[];
  /** [times (s), values of series 0, values of series 1, ...] */
  data: readonly (readonly number[])[];
  format(v: number): string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current!;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: 200,
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)) }))],
      axes: [{}, { values: (_u: uPlot, ticks: number[]) => ticks.map(format), size: 70 }],
      // at least the last two minutes, so a few points do not spread over years
      scales: { x: { time: true, range: (_u: uPlot, min: number, max: number) => [Math.min(min, max - 120), max] }, y: { range: (_u: uPlot, _min: number, max: number) => [0, Math.max(1, max * 1.1)] } },
    };
    chart.current = new uPlot(opts, data as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => chart.current?.setSize({ width: Math.max(200, el.clientWidth), height: 200 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart.current?.destroy();
      chart.current = null;
    };
  }, [series.map((s) => s.label).join()]);
  useEffect(() => {
    chart.current?.setData(data as uPlot.AlignedData);
  }, [data]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: ${series.map((s, i) => `${s.label} ${data[i + 1]?.length ? format(data[i + 1]![data[i + 1]!.length - 1]!) : 'no data yet'}`).join(', ')}`} />
    </figure>
  );
}
