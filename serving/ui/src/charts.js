// Charts: uPlot for time series (fast with thousands of points), a tiny canvas sparkline for the overview.
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLORS = ['#2563eb', '#0d9488', '#9333ea', '#ea580c', '#0891b2', '#4d7c0f', '#be185d'];

/**
 * A time chart: `series` = [{ label, values }] over `times` (ms); `threshold` draws a dashed line; `marks` are
 * indexes drawn as red dots on the first series (anomalies); `alerts` are times drawn as red vertical lines.
 */
export function TimeChart({ times, series, threshold, marks = [], alerts = [], height = 180, title }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!ref.current || times.length === 0) return undefined;
    const xs = times.map((t) => t / 1000);
    const markSet = new Set(marks);
    const data = [xs, ...series.map((s) => s.values)];
    const opts = {
      title,
      width: ref.current.clientWidth || 600,
      height,
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      axes: [{ stroke: '#475569' }, { stroke: '#475569', size: 60 }],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          width: 1.5,
          points: { show: false },
        })),
      ],
      hooks: {
        draw: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            if (threshold !== undefined && threshold !== null) {
              const y = u.valToPos(threshold, 'y', true);
              ctx.strokeStyle = '#dc2626';
              ctx.setLineDash([6, 4]);
              ctx.lineWidth = 1;
              ctx.beginPath();
              ctx.moveTo(u.bbox.left, y);
              ctx.lineTo(u.bbox.left + u.bbox.width, y);
              ctx.stroke();
              ctx.setLineDash([]);
            }
            ctx.fillStyle = '#dc2626';
            for (const i of markSet) {
              const v = data[1][i];
              if (v === null || v === undefined) continue;
              ctx.beginPath();
              ctx.arc(u.valToPos(xs[i], 'x', true), u.valToPos(v, 'y', true), 3.5 * devicePixelRatio, 0, 2 * Math.PI);
              ctx.fill();
            }
            ctx.strokeStyle = 'rgba(220, 38, 38, 0.55)';
            ctx.lineWidth = 2 * devicePixelRatio;
            for (const t of alerts) {
              const x = u.valToPos(t / 1000, 'x', true);
              if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
            }
            ctx.restore();
          },
        ],
      },
    };
    const plot = new uPlot(opts, data, ref.current);
    const resize = () => plot.setSize({ width: ref.current.clientWidth, height });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [times, series, threshold, marks, alerts, height, title]);
  if (times.length === 0) return html`<div class="empty">No data in this range.</div>`;
  return html`<div class="chart" ref=${ref}></div>`;
}

/** Recent scores as a small line; red when the last score is above the threshold. */
export function Sparkline({ values, threshold, width = 160, height = 36 }) {
  const ref = useRef(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const dpr = devicePixelRatio || 1;
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    const ctx = canvas.getContext('2d');
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, width, height);
    if (values.length < 2) return;
    const max = Math.max(...values, threshold ?? 0) * 1.1 || 1;
    const min = Math.min(...values, 0);
    const y = (v) => height - 2 - ((v - min) / (max - min || 1)) * (height - 4);
    if (threshold !== null && threshold !== undefined) {
      ctx.strokeStyle = '#fca5a5';
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(0, y(threshold));
      ctx.lineTo(width, y(threshold));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    const last = values[values.length - 1];
    ctx.strokeStyle = threshold !== null && last > threshold ? '#dc2626' : '#2563eb';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    values.forEach((v, i) => {
      const x = (i / (values.length - 1)) * width;
      if (i === 0) ctx.moveTo(x, y(v));
      else ctx.lineTo(x, y(v));
    });
    ctx.stroke();
  }, [values, threshold, width, height]);
  return html`<canvas ref=${ref} class="sparkline" style=${{ width: `${width}px`, height: `${height}px` }}></canvas>`;
}
