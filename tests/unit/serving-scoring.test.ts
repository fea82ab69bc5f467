/**
 * What took work off POST /v1/score's path: feature maps only for scored events (the pipeline's
 * `featureMaps: 'scored'`, same scores and inferences), vectors only for ready events (the engine's `readyOnly`,
 * same readiness and ready vectors), and buffered inserts that never start inside `add()` and write at most
 * `maxBatch` rows per insert, in order, keeping failed rows for the next try.
 */
import { describe, expect, it } from 'vitest';
import type { ClickHouse, Row } from '../../adapters/clickhouse/index.js';
import { createLogger } from '../../adapters/logger.js';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/index.js';
import type { SensorReading } from '../../core/events/types.js';
import { createFeatureEngine } from '../../core/features/index.js';
import { channelSpecs, defaultPlant } from '../../core/plant/catalogue.js';
import { type PipelineItem, ScoringPipeline, sensorStream, staticModels } from '../../core/scoring/index.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { BufferedInsert } from '../../serving/buffered-insert.js';

const stream = sensorStream(
  { windowsMs: [10_000, 30_000], allowedLatenessMs: 5_000, warmupSpanFraction: 0.5, warmupMinEvents: 0 },
  (t) => channelSpecs(t)?.map((c) => c.name),
);

function pumpItems(seconds: number): PipelineItem<SensorReading>[] {
  const start = Date.UTC(2026, 0, 5, 8);
  const sim = new PlantSimulator(defaultPlant(), { seed: 4, start, end: start + seconds * 1000, assets: 40 });
  const items: PipelineItem<SensorReading>[] = [];
  for (let r = sim.next(); r !== null; r = sim.next()) {
    if (r.assetType === 'pump') items.push({ event: r, source: { topic: '', partition: -1, offset: '-1' } });
  }
  return items;
}

describe("the pipeline's featureMaps option", () => {
  it("'scored' maps only the scored events' features, with the same inferences as 'all'", async () => {
    const models = staticModels({
      pump: [
        {
          name: 'sensors-pump',
          version: '1',
          role: 'production',
          threshold: 1,
          featureSetHash: '',
          scorer: { scoreBatch: async (_rows, n) => new Float32Array(n).fill(0.5) },
        },
      ],
    });
    const items = pumpItems(60);
    const run = (featureMaps: 'all' | 'scored') =>
      new ScoringPipeline(stream, models, { ...DEFAULT_ALERT_POLICY, name: 't' }).process(items, {
        emit: true,
        scoredAt: 1,
        featureMaps,
      });
    const all = await run('all');
    const scored = await run('scored');
    expect(all.inferences.length).toBeGreaterThan(0);
    expect(all.unscored).toBeGreaterThan(0);
    expect(all.features).toHaveLength(all.accepted.length);
    expect(scored.inferences).toEqual(all.inferences);
    const scoredIds = new Set(all.inferences.map((i) => i.eventId));
    expect(scored.features.map((f) => f.eventId)).toEqual(
      all.features.filter((f) => scoredIds.has(f.eventId)).map((f) => f.eventId),
    );
    expect(scored.inferences.every((i) => Object.keys(i.features).length > 0)).toBe(true);
  });
});

describe("the feature engine's readyOnly option", () => {
  it('gives the same readiness and, for ready events, the same vectors, in and out of order', () => {
    const set = stream.featureSet('pump')!;
    const events = pumpItems(90).map((i) => stream.toFeatureEvent(i.event));
    // Every 7th event arrives after its successor (out of order, within the allowed lateness).
    for (let i = 7; i + 1 < events.length; i += 7) [events[i], events[i + 1]] = [events[i + 1]!, events[i]!];
    const always = createFeatureEngine(set);
    const readyOnly = createFeatureEngine(set);
    let ready = 0;
    for (const e of events) {
      const a = always.process(e);
      const b = readyOnly.process(e, undefined, { readyOnly: true });
      expect([b.verdict, b.ready, b.outOfOrder]).toEqual([a.verdict, a.ready, a.outOfOrder]);
      if (a.ready) {
        ready++;
        expect(Array.from(b.vector!)).toEqual(Array.from(a.vector!));
      }
    }
    expect(ready).toBeGreaterThan(0);
    expect(ready).toBeLessThan(events.length);
  });
});

/** A ClickHouse that records inserts; `failNext` makes the next insert fail. */
function recordingClickHouse() {
  const inserts: Row[][] = [];
  const state = { failNext: false, duringInsert: undefined as (() => void) | undefined };
  const ch = {
    async insertRows(_table: string, rows: readonly Row[]) {
      state.duringInsert?.();
      if (state.failNext) {
        state.failNext = false;
        throw new Error('unavailable');
      }
      inserts.push([...rows]);
      return rows.length;
    },
  } as unknown as ClickHouse;
  return { ch, inserts, state };
}

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ n: from + i }));

describe('BufferedInsert', () => {
  it('does not insert inside add(), and writes at most maxBatch rows per insert, in order', async () => {
    const { ch, inserts } = recordingClickHouse();
    const buffer = new BufferedInsert(ch, 't', createLogger('silent'), { flushIntervalMs: 60_000, maxBatch: 3 });
    expect(buffer.add(rows(0, 4))).toBe(true);
    expect(inserts).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await buffer.flush();
    expect(inserts).toEqual([rows(0, 3), rows(3, 1)]);
    buffer.add(rows(4, 7));
    await buffer.close();
    expect(inserts.flat()).toEqual(rows(0, 11));
    expect(Math.max(...inserts.map((i) => i.length))).toBe(3);
  });

  it('writes the rows buffered when it starts, not the ones that keep arriving during its inserts', async () => {
    const { ch, inserts, state } = recordingClickHouse();
    const buffer = new BufferedInsert(ch, 't', createLogger('silent'), { flushIntervalMs: 60_000, maxBatch: 2 });
    buffer.add(rows(0, 3));
    let next = 3;
    state.duringInsert = () => buffer.add(rows(next++, 1));
    await buffer.flush();
    expect(inserts).toEqual([rows(0, 2), rows(2, 1)]);
    expect(buffer.pending).toBe(2);
    state.duringInsert = undefined;
    await buffer.close();
    expect(inserts.flat()).toEqual(rows(0, 5));
  });

  it('keeps the rows of a failed insert, oldest first, and writes them on the next flush', async () => {
    const { ch, inserts, state } = recordingClickHouse();
    const buffer = new BufferedInsert(ch, 't', createLogger('silent'), { flushIntervalMs: 60_000, maxBatch: 2 });
    buffer.add(rows(0, 3));
    state.failNext = true;
    await buffer.flush();
    expect(inserts).toEqual([]);
    expect(buffer.pending).toBe(3);
    buffer.add(rows(3, 1));
    await buffer.close();
    expect(inserts).toEqual([rows(0, 2), rows(2, 2)]);
  });

  it('leaves the rows beyond whole batches to the next flush when a batch is full', async () => {
    const { ch, inserts } = recordingClickHouse();
    const buffer = new BufferedInsert(ch, 't', createLogger('silent'), { flushIntervalMs: 60_000, maxBatch: 3 });
    buffer.add(rows(0, 7));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(inserts).toEqual([rows(0, 3), rows(3, 3)]);
    expect(buffer.pending).toBe(1);
    await buffer.flush();
    expect(inserts.at(-1)).toEqual(rows(6, 1));
  });
});
