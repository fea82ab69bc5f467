// Plant overview: one card per asset with its status (open alerts, worst severity) and a sparkline of recent scores.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, fmt } from '../api.js';
import { Sparkline } from '../charts.js';

export function Overview() {
  const [assets, setAssets] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let alive = true;
    const load = () =>
      api('/v1/assets?sinceHours=168')
        .then((r) => alive && setAssets(r.assets))
        .catch((e) => alive && setError(e.message));
    load();
    const timer = setInterval(load, 15_000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);
  if (error) return html`<div class="error">${error}</div>`;
  if (assets === null) return html`<div class="muted">Loading…</div>`;
  const alerting = assets.filter((a) => a.openAlerts > 0).length;
  return html`<section>
    <header class="page-head">
      <h2>Plant overview</h2>
      <span class="muted">${assets.length} assets · ${alerting} with open alerts</span>
    </header>
    ${assets.length === 0 && html`<div class="empty">No asset has reported in the last 7 days.</div>`}
    <div class="grid">
      ${assets.map(
        (
          a,
        ) => html`<a class=${`asset-card status-${a.worstSeverity || 'ok'}`} href=${`#/asset/${encodeURIComponent(a.assetId)}`}>
          <div class="asset-card-head">
            <strong>${a.assetId}</strong>
            <span class=${`badge sev-${a.worstSeverity || 'ok'}`}>${a.openAlerts > 0 ? `${a.openAlerts} open` : 'normal'}</span>
          </div>
          <div class="muted small">${a.assetType} · ${a.site}/${a.line}</div>
          <${Sparkline} values=${a.recentScores} threshold=${a.threshold} />
          <div class="muted small">score ${fmt.num(a.lastScore)} / ${fmt.num(a.threshold)} · seen ${fmt.ago(a.lastSeen)}</div>
        </a>`,
      )}
    </div>
  </section>`;
}
