/** The scale curves (memory and throughput against the asset count) as one SVG. */
import type { ScaleRow } from './report.js';
import { renderSvg } from './svg-plot.js';

export function scaleSvg(rows: readonly ScaleRow[], caption: string): string {
  const at = (y: (r: ScaleRow) => number) => rows.map((r) => ({ x: r.assets, y: y(r) }));
  return renderSvg(
    [
      {
        title: 'Processor memory',
        xLabel: 'assets (1 Hz)',
        yLabel: 'MB',
        logY: true,
        series: [
          { name: 'RSS (measured)', color: '#1f77b4', points: at((r) => r.rssMb) },
          { name: 'feature state (measured)', color: '#2ca02c', points: at((r) => r.stateMb) },
          {
            name: 'state, full 15-min windows (est.)',
            color: '#d62728',
            dashed: true,
            points: at((r) => r.fullWindowStateMbEstimate),
          },
        ],
      },
      {
        title: 'Pipeline throughput (features + ONNX)',
        xLabel: 'assets (1 Hz)',
        yLabel: 'events/s',
        series: [{ name: 'events/s', color: '#9467bd', points: at((r) => r.eventsPerSecond) }],
      },
    ],
    caption,
  );
}
