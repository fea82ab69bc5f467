/**
 * A small SVG line chart writer (log-scaled x, linear or log y, several series): enough for the scale curves,
 * no rendering library, output a committed text file that diffs.
 */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly { x: number; y: number }[];
  readonly dashed?: boolean;
}

export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logY?: boolean;
  readonly series: readonly Series[];
}

const W = 460;
const H = 320;
const M = { left: 70, right: 20, top: 40, bottom: 60 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const short = (v: number) =>
  v >= 1e6 ? `${+(v / 1e6).toPrecision(3)}M` : v >= 1e3 ? `${+(v / 1e3).toPrecision(3)}k` : `${+v.toPrecision(3)}`;

function panelSvg(p: Panel, offsetX: number): string {
  const pts = p.series.flatMap((s) => s.points).filter((q) => Number.isFinite(q.y) && q.y > 0);
  if (pts.length === 0) return '';
  const lx = (x: number) => Math.log10(x);
  const ly = (y: number) => (p.logY ? Math.log10(y) : y);
  const xs = pts.map((q) => lx(q.x));
  const ys = pts.map((q) => ly(q.y));
  const [x0, x1] = [Math.floor(Math.min(...xs)), Math.ceil(Math.max(...xs))];
  const [y0, y1] = p.logY ? [Math.floor(Math.min(...ys)), Math.ceil(Math.max(...ys))] : [0, Math.max(...ys) * 1.1];
  const px = (x: number) => offsetX + M.left + ((lx(x) - x0) / Math.max(1e-9, x1 - x0)) * (W - M.left - M.right);
  const py = (y: number) => M.top + (1 - (ly(y) - y0) / Math.max(1e-9, y1 - y0)) * (H - M.top - M.bottom);
  const out: string[] = [];
  out.push(
    `<text x="${offsetX + W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(p.title)}</text>`,
  );
  out.push(
    `<rect x="${offsetX + M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>`,
  );
  for (let e = x0; e <= x1; e++) {
    const x = px(10 ** e);
    out.push(`<line x1="${x}" y1="${M.top}" x2="${x}" y2="${H - M.bottom}" stroke="#eee"/>`);
    out.push(`<text x="${x}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${short(10 ** e)}</text>`);
  }
  const yTicks = p.logY
    ? Array.from({ length: y1 - y0 + 1 }, (_, i) => 10 ** (y0 + i))
    : Array.from({ length: 5 }, (_, i) => (y1 * i) / 4);
  for (const t of yTicks) {
    const y = py(p.logY ? t : Math.max(t, 1e-9));
    out.push(`<line x1="${offsetX + M.left}" y1="${y}" x2="${offsetX + W - M.right}" y2="${y}" stroke="#eee"/>`);
    out.push(`<text x="${offsetX + M.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${short(t)}</text>`);
  }
  out.push(`<text x="${offsetX + W / 2}" y="${H - 20}" text-anchor="middle" font-size="12">${esc(p.xLabel)}</text>`);
  out.push(
    `<text transform="translate(${offsetX + 16},${H / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(p.yLabel)}</text>`,
  );
  p.series.forEach((s, i) => {
    const valid = s.points.filter((q) => Number.isFinite(q.y) && q.y > 0);
    const d = valid.map((q, k) => `${k === 0 ? 'M' : 'L'}${px(q.x).toFixed(1)},${py(q.y).toFixed(1)}`).join(' ');
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    for (const q of valid)
      out.push(`<circle cx="${px(q.x).toFixed(1)}" cy="${py(q.y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly0 = M.top + 14 + i * 16;
    out.push(
      `<line x1="${offsetX + M.left + 10}" y1="${ly0}" x2="${offsetX + M.left + 30}" y2="${ly0}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    out.push(`<text x="${offsetX + M.left + 34}" y="${ly0 + 4}" font-size="11">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

/** Panels side by side in one SVG document. */
export function renderSvg(panels: readonly Panel[], caption: string): string {
  const width = W * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 20}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels.map((p, i) => panelSvg(p, i * W)),
    `<text x="10" y="${H + 12}" font-size="10" fill="#555">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
