/**
 * The chunk scorer without infrastructure: a chunked replay whose warm-up starts where the key's state was
 * fresh gives the same rows bit for bit as one pass over everything; rows are tagged with the run id; replayed
 * alerts get ids of their own; warm-up events emit nothing.
 */
import { describe, expect, it } from 'vitest';
import { rawTableOf } from '../../adapters/clickhouse/raw-tables.js';
import type { Row } from '../../adapters/clickhouse/types.js';
import { configWith } from '../../core/config/index.js';
import { channelSpecs } from '../../core/plant/catalogue.js';
import { type ScoringModel, staticModels, streamScoringFromConfig } from '../../core/scoring/index.js';
import { type ChunkOutput, scoreChunk } from '../../replay/chunk-scorer.js';
import { warmStart } from '../../replay/warmup.js';
import { vectorOfRow } from '../helpers/vector-bytes.js';

const T0 = Date.UTC(2026, 2, 2, 6);
const MIN = 60_000;
const config = configWith({});
const scoring = streamScoringFromConfig('sensors', config);

const VIBRATION = scoring.definition.featureSet('pump')!.featureNames.indexOf('vibration_rms.w1m.mean');

/** A deterministic stand-in for ONNX: the score is a fixed function of the vector (high on a vibration burst). */
const model: ScoringModel = {
  name: 'sensors-pump',
  version: 'v-test',
  role: 'production',
  threshold: 0.5,
  featureSetHash: scoring.definition.featureSet('pump')!.hash,
  scorer: {
    async scoreBatch(rows, n) {
      const width = rows.length / n;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = (rows[i * width + VIBRATION]! - 25) / 10;
      return out;
    },
  },
};

/** Two pumps, 70 minutes at ~0.5 Hz, with jitter, out-of-order arrivals, a missing channel and a vibration burst. */
function rawRows(): Row[] {
  const channels = channelSpecs('pump')!.map((c) => c.name);
  const rows: Row[] = [];
  let offset = 0;
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let s = 0; s < 70 * 60; s += 2) {
    for (const asset of ['pump-1', 'pump-2']) {
      const t = T0 + s * 1000 + Math.floor(random() * 400) - (s % 98 === 0 ? 5_000 : 0);
      const values: Record<string, number> = {};
      channels.forEach((c, i) => {
        if (c === 'flow' && s % 26 === 0) return;
        const burst = c === 'vibration_rms' && s > 40 * 60 && s < 43 * 60 ? 40 : 0;
        values[c] = 10 + i * 3 + Math.sin(s / 50 + i) * 2 + random() * 0.5 + burst;
      });
      rows.push({
        event_id: `${asset}-${s}`,
        asset_id: asset,
        asset_type: 'pump',
        site: 's1',
        line: 'l1',
        event_time_ms: t,
        seq: s,
        channels: values,
        quality: [],
        source_topic: 'sensor-readings',
        source_partition: asset === 'pump-1' ? 0 : 1,
        source_offset: String(offset++),
      });
    }
  }
  // Per key in arrival order, as raw-source.ts reads them.
  return rows.sort(
    (a, b) => String(a.asset_id).localeCompare(String(b.asset_id)) || Number(a.source_offset) - Number(b.source_offset),
  );
}

const deps = {
  definition: scoring.definition,
  alertPolicy: scoring.alertPolicy,
  models: staticModels({ pump: [model] }),
  fromRow: rawTableOf('sensors').fromRow,
  now: () => 0,
};

const sortRows = (rows: Row[]) => [...rows].sort((a, b) => String(a.event_id).localeCompare(String(b.event_id)));

describe('replay chunk scorer', () => {
  it('a chunked replay with a fresh-state warm-up equals one pass bit for bit', async () => {
    const rows = rawRows();
    const runId = 'replay-test';
    const whole = await scoreChunk(deps, { runId, chunkId: 'all', from: T0 + 20 * MIN, to: T0 + 60 * MIN, rows });
    expect(whole.inferences.length).toBeGreaterThan(1000);
    expect(whole.inferences.some((i) => i.anomaly)).toBe(true);
    expect(whole.alerts.length).toBeGreaterThan(0);

    const parts: ChunkOutput[] = [];
    for (const [from, to] of [
      [T0 + 20 * MIN, T0 + 40 * MIN],
      [T0 + 40 * MIN, T0 + 60 * MIN],
    ] as const) {
      const start = warmStart(
        { key: 'pump-1', firstEver: T0 - 5_000, gapStarts: [], firstAtOrAfter: from },
        from,
        scoring.retentionMs,
        24 * 60 * MIN,
      );
      expect(start.exact).toBe(true);
      const lateness = scoring.allowedLatenessMs;
      const chunkRows = rows.filter(
        (r) => Number(r.event_time_ms) >= start.start && Number(r.event_time_ms) <= to + lateness,
      );
      parts.push(await scoreChunk(deps, { runId, chunkId: `${from}`, from, to, rows: chunkRows }));
    }
    const joined = (pick: (o: (typeof parts)[number]) => Row[]) => sortRows(parts.flatMap(pick));
    expect(joined((p) => p.features)).toEqual(sortRows(whole.features));
    expect(joined((p) => p.inferences)).toEqual(sortRows(whole.inferences));
    expect(parts.reduce((n, p) => n + p.events, 0)).toBe(whole.events);
  });

  it('emits only events inside the chunk, tagged with the run id, alerts under ids of their own', async () => {
    const rows = rawRows();
    const out = await scoreChunk(deps, { runId: 'r-1', chunkId: 'c', from: T0 + 30 * MIN, to: T0 + 50 * MIN, rows });
    for (const f of out.features) {
      expect(Number(f.event_time)).toBeGreaterThanOrEqual(T0 + 30 * MIN);
      expect(Number(f.event_time)).toBeLessThan(T0 + 50 * MIN);
      expect(f.run_id).toBe('r-1');
    }
    expect(out.inferences.every((i) => i.run_id === 'r-1')).toBe(true);
    // The names of every vector's set version come with the chunk, as many as the vector has values.
    const names = new Map(
      out.featureSets.map((s) => [`${s.feature_set}/${s.feature_set_version}`, s.names as string[]]),
    );
    for (const f of out.features) {
      expect(names.get(`${f.feature_set}/${f.feature_set_version}`)?.length).toBe(vectorOfRow(f).length);
    }
    const live = await scoreChunk(deps, { runId: '', chunkId: 'c', from: T0 + 30 * MIN, to: T0 + 50 * MIN, rows });
    expect(out.alerts.length).toBeGreaterThan(0);
    expect(out.alerts.length).toBe(live.alerts.length);
    const liveIds = new Set(live.alerts.map((a) => a.alert_id));
    expect(out.alerts.some((a) => liveIds.has(a.alert_id))).toBe(false);
    expect(out.alerts.map((a) => [a.key, a.opened_at])).toEqual(live.alerts.map((a) => [a.key, a.opened_at]));
    const inferenceIds = new Set(live.inferences.map((i) => i.inference_id));
    expect(out.inferences.some((i) => inferenceIds.has(i.inference_id))).toBe(false);
  });

  it('a warm-up of only the longest window + lateness gives the same windows (features within 1e-9)', async () => {
    const rows = rawRows();
    const from = T0 + 40 * MIN;
    const whole = await scoreChunk(deps, { runId: 'x', chunkId: 'a', from, to: T0 + 60 * MIN, rows });
    const short = rows.filter((r) => Number(r.event_time_ms) >= from - scoring.retentionMs);
    const approx = await scoreChunk(deps, { runId: 'x', chunkId: 'b', from, to: T0 + 60 * MIN, rows: short });
    expect(approx.features.length).toBe(whole.features.length);
    const byId = new Map(whole.features.map((f) => [f.event_id, vectorOfRow(f)]));
    let worst = 0;
    for (const f of approx.features) {
      const expected = byId.get(f.event_id)!;
      const values = vectorOfRow(f);
      expect(values.length).toBe(expected.length);
      values.forEach((value, i) => {
        worst = Math.max(worst, Math.abs(value - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
      });
    }
    expect(worst).toBeLessThanOrEqual(1e-9);
  });
});
