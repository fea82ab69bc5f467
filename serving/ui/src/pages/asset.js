// One asset: its production score with threshold and anomaly dots, each channel with alert markers, and its alerts.
import { html } from 'htm/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { AlertList } from '../alert-list.js';
import { api } from '../api.js';
import { TimeChart } from '../charts.js';

const RANGES = { '1 h': 3_600_000, '6 h': 6 * 3_600_000, '24 h': 86_400_000, '7 d': 7 * 86_400_000 };

export function Asset({ assetId }) {
  const [range, setRange] = useState('6 h');
  const [series, setSeries] = useState(null);
  const [alerts, setAlerts] = useState([]);
  const [error, setError] = useState(null);
  useEffect(() => {
    const to = Date.now();
    const from = to - RANGES[range];
    const id = encodeURIComponent(assetId);
    Promise.all([
      api(`/v1/assets/${id}/series?from=${from}&to=${to}&limit=10000`),
      api(`/v1/alerts?assetId=${id}&limit=100`),
    ])
      .then(([s, a]) => {
        setSeries(s);
        setAlerts(a.alerts);
      })
      .catch((e) => setError(e.message));
  }, [assetId, range]);

  const charts = useMemo(() => {
    if (!series) return null;
    const channels = [...new Set(series.readings.flatMap((r) => Object.keys(r.channels)))].sort();
    const times = series.readings.map((r) => r.t);
    const scoreTimes = series.scores.map((s) => s.t);
    const anomalyTimes = new Set(series.scores.filter((s) => s.anomaly).map((s) => s.t));
    return {
      channels: channels.map((c) => ({
        name: c,
        times,
        series: [{ label: c, values: series.readings.map((r) => r.channels[c] ?? null) }],
        marks: times.flatMap((t, i) => (anomalyTimes.has(t) ? [i] : [])),
      })),
      score: {
        times: scoreTimes,
        series: [{ label: 'score', values: series.scores.map((s) => s.score) }],
        threshold: series.scores.at(-1)?.threshold,
        marks: series.scores.flatMap((s, i) => (s.anomaly ? [i] : [])),
      },
    };
  }, [series]);
  const alertTimes = useMemo(() => alerts.map((a) => a.openedAt), [alerts]);

  if (error) return html`<div class="error">${error}</div>`;
  return html`<section>
    <header class="page-head">
      <h2>${assetId}</h2>
      <span class="grow"></span>
      <div class="segmented">
        ${Object.keys(RANGES).map((r) => html`<button class=${range === r ? 'on' : ''} onClick=${() => setRange(r)}>${r}</button>`)}
      </div>
    </header>
    ${!charts && html`<div class="muted">Loading…</div>`}
    ${
      charts &&
      html`<div class="card">
          <h3>Anomaly score <span class="muted small">(dashed: threshold · red dots: anomalies · red lines: alerts opened)</span></h3>
          <${TimeChart} ...${charts.score} alerts=${alertTimes} height=${200} />
        </div>
        <div class="channels">
          ${charts.channels.map(
            (c) =>
              html`<div class="card"><h3>${c.name}</h3><${TimeChart} times=${c.times} series=${c.series} marks=${c.marks} alerts=${alertTimes} height=${150} /></div>`,
          )}
        </div>`
    }
    <h3>Alert history</h3>
    <${AlertList}
      alerts=${alerts}
      onChange=${(u) => setAlerts((list) => list.map((a) => (a.alertId === u.alertId ? u : a)))}
    />
  </section>`;
}
