/**
 * A large file imports in constant memory: 1.5 million rows (~60 MB) streamed through a sink that keeps
 * nothing. Heap and RSS are sampled during the import; the growth is printed and bounded generously (100 MB)
 * so the test catches "loads the whole file" regressions, not allocator noise. No wall-clock assertion.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../../core/events/types.js';
import { importFile } from '../../producers/importer/file-importer.js';
import type { EventSink } from '../../producers/sinks/event-sink.js';

const ROWS = 1_500_000;

async function writeLargeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  const t0 = Date.UTC(2024, 0, 1);
  out.write('timestamp,asset,vibration_rms,bearing_temp,current\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    const bad = i % 100_000 === 99_999 ? 'oops' : String((i % 997) / 100);
    chunk += `${new Date(t0 + i * 1000).toISOString()},P-${i % 50},${bad},${40 + (i % 13)},${(i % 61) / 2}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((resolve, reject) => out.on('finish', () => resolve()).on('error', reject));
}

class CountingSink implements EventSink<SensorReading> {
  count = 0;
  write(): undefined {
    this.count++;
    return undefined;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

describe('importer memory', () => {
  it('imports 1.5 million rows with bounded heap and RSS growth', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-big-'));
    const path = join(dir, 'big.csv');
    try {
      await writeLargeCsv(path);
      const size = (await stat(path)).size;
      global.gc?.();
      const before = process.memoryUsage();
      let peakHeap = before.heapUsed;
      let peakRss = before.rss;
      const sample = () => {
        const m = process.memoryUsage();
        peakHeap = Math.max(peakHeap, m.heapUsed);
        peakRss = Math.max(peakRss, m.rss);
      };
      const sink = new CountingSink();
      const summary = await importFile({ path }, sink, { onProgress: sample, progressEvery: 50_000 });
      sample();
      const heapGrowthMb = (peakHeap - before.heapUsed) / 2 ** 20;
      const rssGrowthMb = (peakRss - before.rss) / 2 ** 20;
      console.log(
        `importer memory: ${ROWS} rows, ${(size / 2 ** 20).toFixed(0)} MB file; peak heap growth ${heapGrowthMb.toFixed(1)} MB, peak RSS growth ${rssGrowthMb.toFixed(1)} MB`,
      );
      expect(summary.rowsRead).toBe(ROWS);
      expect(summary.badRows).toBe(ROWS / 100_000);
      expect(sink.count).toBe(ROWS - ROWS / 100_000);
      expect(summary.assets).toHaveLength(50);
      expect(size).toBeGreaterThan(50 * 2 ** 20);
      expect(heapGrowthMb).toBeLessThan(100);
      expect(rssGrowthMb).toBeLessThan(100);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
