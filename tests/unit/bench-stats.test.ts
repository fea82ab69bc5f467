import { describe, expect, it } from 'vitest';
import { histogramQuantile, pairedRuns, percentile, ratioOf, summarize } from '../../bench/lib/stats.js';
import { renderSvg } from '../../bench/lib/svg-plot.js';

describe('bench statistics', () => {
  it('summarises repetitions as min / median / max', () => {
    expect(summarize([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3, runs: 3 });
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
    expect(summarize([]).runs).toBe(0);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });

  it('pairs ratio bounds pessimistically and optimistically', () => {
    const r = ratioOf(summarize([8, 9, 10]), summarize([10, 20]));
    expect(r.median).toBeCloseTo(9 / 15);
    expect(r.min).toBeCloseTo(8 / 20);
    expect(r.max).toBeCloseTo(10 / 10);
  });

  it('pairs runs in alternating order and summarises the per-pair ratios', async () => {
    const calls: string[] = [];
    let load = 1;
    // The machine slows down run after run: per-pair ratios stay 0.5 where a ratio of medians would not.
    const ceiling = async () => {
      calls.push('c');
      return 100 / load++;
    };
    const vigil = async () => {
      calls.push('v');
      return 50 / load++;
    };
    const r = await pairedRuns(3, 1, ceiling, vigil);
    expect(calls.join('')).toBe('vccvvccv');
    expect(r.ceiling.runs).toBe(3);
    expect(r.ratio.min).toBeGreaterThan(0.3);
    expect(r.ratio.max).toBeLessThan(0.7);
  });

  it('interpolates quantiles inside cumulative histogram buckets', () => {
    const buckets = [
      { le: 0.1, count: 50 },
      { le: 0.5, count: 90 },
      { le: 1, count: 100 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ];
    expect(histogramQuantile(buckets, 0.5)).toBeCloseTo(0.1);
    expect(histogramQuantile(buckets, 0.7)).toBeCloseTo(0.3);
    expect(histogramQuantile(buckets, 0.99)).toBeCloseTo(0.95);
    expect(histogramQuantile([{ le: 1, count: 0 }], 0.5)).toBeNaN();
  });

  it('writes an SVG with one path per series and escapes text', () => {
    const svg = renderSvg(
      [
        {
          title: 'memory <MB>',
          xLabel: 'assets',
          yLabel: 'MB',
          logY: true,
          series: [
            {
              name: 'a',
              color: '#000',
              points: [
                { x: 100, y: 10 },
                { x: 10_000, y: 1000 },
              ],
            },
            {
              name: 'b',
              color: '#f00',
              points: [
                { x: 100, y: 5 },
                { x: 10_000, y: Number.NaN },
              ],
            },
          ],
        },
      ],
      'caption & more',
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('memory &lt;MB&gt;');
    expect(svg).toContain('caption &amp; more');
    expect(svg).not.toContain('NaN');
  });
});
