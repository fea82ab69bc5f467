/**
 * The serving flows against the real embedded ClickHouse: API scores equal the shared pipeline's for the same
 * events and model version (JSON, batch and CSV paths), stored inferences carry the key and request id and show
 * up in the audit row and the trace; acknowledging and resolving an alert stores the verdict; a new alert reaches
 * a live (server-sent events) client over a real socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureRow, featureSetRows, inferenceRow } from '../../adapters/clickhouse/rows.js';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/index.js';
import { configWith } from '../../core/config/index.js';
import type { Inference, SensorReading } from '../../core/events/types.js';
import { channelSpecs } from '../../core/plant/catalogue.js';
import { type FeatureRow, ScoringPipeline, sensorStream, staticModels } from '../../core/scoring/index.js';
import { waitFor } from '../helpers/wait.js';
import {
  auth,
  openServingFixture,
  pumpFeatureSet,
  pumpReadings,
  type ServingFixture,
  TEST_FEATURE_ENV,
  zScoreModel,
} from './serving-fixture.js';

let fx: ServingFixture;
beforeAll(async () => {
  fx = await openServingFixture();
});
afterAll(async () => {
  await fx?.close();
});

/** A pump sequence with a spike, so some rows are anomalous. */
function spikedReadings(): SensorReading[] {
  const readings = pumpReadings(3, 5).slice(0, 150);
  return readings.map((r, i) =>
    i >= 100 && i < 110 ? { ...r, channels: { ...r.channels, vibration_rms: (r.channels.vibration_rms ?? 1) * 6 } } : r,
  );
}

async function pipelineOutputs(
  readings: readonly SensorReading[],
): Promise<{ features: FeatureRow[]; inferences: Inference[] }> {
  const config = configWith({ ...TEST_FEATURE_ENV });
  const stream = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name));
  const pipeline = new ScoringPipeline(stream, staticModels({ pump: [zScoreModel(pumpFeatureSet())] }), {
    ...DEFAULT_ALERT_POLICY,
    name: 'stream',
  });
  // The stream sees the same events from Kafka, in small batches.
  const all = { features: [] as FeatureRow[], inferences: [] as Inference[] };
  for (let i = 0; i < readings.length; i += 7) {
    const batch = readings.slice(i, i + 7).map((event, j) => ({
      event,
      source: { topic: 'vigil.sensor-readings', partition: 0, offset: String(i + j) },
    }));
    const out = await pipeline.process(batch, { emit: true, scoredAt: 0 });
    all.features.push(...out.features);
    all.inferences.push(...out.inferences);
  }
  return all;
}

async function pipelineScores(readings: readonly SensorReading[]): Promise<Map<string, number>> {
  const { inferences } = await pipelineOutputs(readings);
  return new Map(inferences.map((i) => [i.eventId, i.score]));
}

describe('scoring through the API', () => {
  it('gives the same scores as the stream pipeline for the same events and model version (JSON, batch, CSV)', async () => {
    const readings = spikedReadings();
    const expected = await pipelineScores(readings);
    expect(expected.size).toBeGreaterThan(50);

    const single = await fx.server.app.inject({
      method: 'POST',
      url: '/v1/score',
      headers: auth(fx.keys.viewer),
      payload: {
        assetId: readings[0]!.assetId,
        assetType: 'pump',
        readings: readings.map((r) => ({ eventId: r.eventId, eventTime: r.eventTime, channels: r.channels })),
      },
    });
    expect(single.statusCode, single.body).toBe(200);
    const batch = await fx.server.app.inject({
      method: 'POST',
      url: '/v1/score/batch',
      headers: auth(fx.keys.operator),
      payload: { readings },
    });
    expect(batch.statusCode).toBe(200);
    const channels = Object.keys(readings[0]!.channels);
    const csv = [
      ['event_id', 'asset_id', 'asset_type', 'event_time', ...channels].join(','),
      ...readings.map((r) =>
        [
          r.eventId,
          r.assetId,
          'pump',
          new Date(r.eventTime).toISOString(),
          ...channels.map((c) => r.channels[c] ?? ''),
        ].join(','),
      ),
    ].join('\n');
    const boundary = 'b0undary';
    const file = await fx.server.app.inject({
      method: 'POST',
      url: '/v1/score/file',
      headers: { ...auth(fx.keys.admin), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
    });
    expect(file.statusCode, file.body).toBe(200);

    for (const response of [single, batch, file]) {
      const body = response.json() as {
        rows: { eventId: string; status: string; score?: number; features?: unknown }[];
        summary: { anomalies: number };
      };
      const scored = body.rows.filter((r) => r.status === 'scored');
      expect(scored.length).toBe(expected.size);
      // Feature values only when asked for (?features=true, below).
      expect(body.rows.filter((r) => r.features !== undefined)).toEqual([]);
      for (const row of scored) expect(row.score).toBeCloseTo(expected.get(row.eventId)!, 5);
      expect(body.summary.anomalies).toBeGreaterThan(0);
    }
  });

  it('stores the inferences with the key and request id, lists them in the audit row, and traces one back', async () => {
    const readings = spikedReadings().slice(0, 60);
    const response = await fx.server.app.inject({
      method: 'POST',
      url: '/v1/score/batch?features=true',
      headers: auth(fx.keys.viewer),
      payload: { readings },
    });
    const requestId = response.headers['x-request-id'] as string;
    const rows = response.json().rows as {
      status: string;
      scores: { inferenceId: string }[];
      features: Record<string, number>;
    }[];
    const ids = rows.flatMap((r) => r.scores.map((s) => s.inferenceId));
    expect(ids.length).toBeGreaterThan(0);

    // Inference rows are written in batches: after a flush they are all there.
    await fx.server.ctx.inferenceRows.flush();
    const stored = await fx.tch.ch.query<{ n: string }>(
      'SELECT count() AS n FROM inferences FINAL WHERE request_id = {r:String} AND api_key_id = {k:String}',
      { r: requestId, k: fx.keyIds.viewer },
    );
    expect(Number(stored[0]!.n)).toBe(ids.length);

    await fx.server.ctx.audit.flush();
    const audit = await fx.tch.ch.query<{ inference_ids: string[]; route: string; status: number }>(
      'SELECT inference_ids, route, status FROM api_audit WHERE request_id = {r:String}',
      { r: requestId },
    );
    expect(audit).toEqual([{ inference_ids: ids, route: '/v1/score/batch', status: 200 }]);

    const trace = await fx.server.app.inject({
      method: 'GET',
      url: `/v1/inferences/${ids[0]}`,
      headers: auth(fx.keys.viewer),
    });
    expect(trace.statusCode).toBe(200);
    const t = trace.json();
    expect(t.inference).toMatchObject({
      requestId,
      apiKeyId: fx.keyIds.viewer,
      modelVersion: 'zmax-1',
      sourceTopic: '',
    });
    // The vector is stored as values, named by its feature set version (clickhouse/0017): the same names and values.
    const tracedRow = rows.find((r) => r.scores.some((s) => s.inferenceId === ids[0]));
    expect(t.inference.features).toEqual(tracedRow?.features);
    expect(Object.keys(t.inference.features)).toEqual(pumpFeatureSet().featureNames);
    expect(t.apiKey).toEqual({ id: fx.keyIds.viewer, name: 'test viewer', role: 'viewer' });
  });

  it('traces a stream inference to the vector the stream stored once, in the features table', async () => {
    const { features, inferences } = await pipelineOutputs(spikedReadings());
    await fx.tch.ch.insertRows(
      'feature_sets',
      featureSetRows(features).map((s) => s.row),
    );
    await fx.tch.ch.insertRows(
      'features',
      features.map((f) => featureRow(f)),
    );
    await fx.tch.ch.insertRows(
      'inferences',
      inferences.map((i) => inferenceRow(i, {}, 'features-table')),
    );
    const target = inferences.at(-1)!;
    const trace = await fx.server.app.inject({
      method: 'GET',
      url: `/v1/inferences/${target.inferenceId}`,
      headers: auth(fx.keys.viewer),
    });
    expect(trace.statusCode).toBe(200);
    expect(trace.json().inference.features).toEqual(target.features);
    expect(Object.keys(target.features).length).toBe(pumpFeatureSet().featureNames.length);
  });

  it('answers CSV when the client accepts text/csv', async () => {
    const readings = spikedReadings().slice(0, 40);
    const response = await fx.server.app.inject({
      method: 'POST',
      url: '/v1/score/batch',
      headers: { ...auth(fx.keys.viewer), accept: 'text/csv' },
      payload: { readings },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const lines = response.body.trim().split('\n');
    expect(lines[0]).toBe('event_id,asset_id,event_time,status,score,threshold,anomaly,model_version');
    expect(lines.length).toBe(41);
  });
});

describe('models', () => {
  it('compares production and shadow over the live stream rows (anomaly rate, mean score)', async () => {
    const now = Date.now();
    const rows = Array.from({ length: 8 }, (_, i) => ({
      inference_id: `cmp-${i}`,
      stream: 'sensors',
      key: 'pump-cmp',
      event_id: `e-${Math.floor(i / 2)}`,
      event_time: now - 60_000 + i,
      scored_at: now,
      score: i % 2 === 0 ? 1 : 5,
      threshold: 4,
      anomaly: i % 2 === 1,
      model_name: 'sensors-cmp',
      model_version: i % 2 === 0 ? 'v1' : 'v2',
      model_role: i % 2 === 0 ? 'production' : 'shadow',
      feature_set: 'sensors.pump',
      feature_set_version: '1',
      features: {},
    }));
    await fx.tch.ch.insertRows('inferences', rows);
    const response = await fx.server.app.inject({
      method: 'GET',
      url: '/v1/models/sensors-cmp/comparison',
      headers: auth(fx.keys.viewer),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().versions).toEqual([
      { version: 'v1', role: 'production', scores: 4, anomalyRate: 0, meanScore: 1 },
      { version: 'v2', role: 'shadow', scores: 4, anomalyRate: 1, meanScore: 5 },
    ]);
  });
});

function alertRow(alertId: string, key: string, now: number, version = 1) {
  return {
    alert_id: alertId,
    stream: 'sensors',
    key,
    state: 'open',
    severity: 'high',
    opened_at: now - 60_000,
    closed_at: null,
    event_time: now - 60_000,
    score: 7.5,
    model_name: 'sensors-pump',
    model_version: 'zmax-1',
    contributors: [{ channel: 'vibration_rms', value: 9.1, normal_low: 1, normal_high: 3, z_score: 6.2 }],
    version,
  };
}

describe('alerts', () => {
  it('acknowledges and resolves an alert with a verdict and comment, stored for alert-quality figures', async () => {
    await fx.tch.ch.insertRows('alerts', [alertRow('alert-ack-1', 'pump-007', Date.now())]);
    const ack = await fx.server.app.inject({
      method: 'POST',
      url: '/v1/alerts/alert-ack-1/acknowledge',
      headers: auth(fx.keys.operator),
      payload: { verdict: 'real_fault', comment: 'bearing noise confirmed on site' },
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json().ack).toMatchObject({ action: 'acknowledged', verdict: 'real_fault' });
    expect(ack.json().contributors[0]).toMatchObject({ channel: 'vibration_rms', zScore: 6.2 });

    const resolve = await fx.server.app.inject({
      method: 'POST',
      url: '/v1/alerts/alert-ack-1/resolve',
      headers: auth(fx.keys.admin),
      payload: { verdict: 'false_alarm', comment: 'sensor cable loose' },
    });
    expect(resolve.json().ack).toMatchObject({
      action: 'resolved',
      verdict: 'false_alarm',
      comment: 'sensor cable loose',
    });
    const stored = await fx.tch.ch.query<{ verdict: string; action: string; ack_by: string }>(
      "SELECT verdict, action, ack_by FROM alert_acknowledgements FINAL WHERE alert_id = 'alert-ack-1'",
    );
    expect(stored).toEqual([{ verdict: 'false_alarm', action: 'resolved', ack_by: `test admin (${fx.keyIds.admin})` }]);

    const listed = await fx.server.app.inject({
      method: 'GET',
      url: '/v1/alerts?assetId=pump-007&severity=high',
      headers: auth(fx.keys.viewer),
    });
    expect(listed.json().alerts.map((a: { alertId: string }) => a.alertId)).toEqual(['alert-ack-1']);

    const invalid = await fx.server.app.inject({
      method: 'POST',
      url: '/v1/alerts/alert-ack-1/resolve',
      headers: auth(fx.keys.admin),
      payload: { verdict: 'maybe' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().message).toContain('verdict');
  });

  it('pushes a new alert to a live client (server-sent events over a real socket)', async () => {
    const url = await fx.server.app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    try {
      const response = await fetch(`${url}/v1/live/alerts`, {
        headers: auth(fx.keys.viewer),
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      await waitFor(
        async () => {
          const { value } = await reader.read();
          text += decoder.decode(value);
          return text.includes(': connected');
        },
        { description: 'the SSE stream to open', timeoutMs: 10_000 },
      );
      await waitFor(() => fx.server.ctx.alertFeed.listeners === 1, { description: 'the listener', timeoutMs: 5_000 });
      await fx.server.ctx.alertFeed.poll();
      await fx.tch.ch.insertRows('alerts', [alertRow('alert-live-1', 'pump-009', Date.now())]);
      const event = await waitFor(
        async () => {
          const { value } = await reader.read();
          text += decoder.decode(value);
          const match = /event: alert\nid: alert-live-1:1\ndata: (.*)\n/.exec(text);
          return match?.[1];
        },
        { description: 'the alert event', timeoutMs: 15_000 },
      );
      expect(JSON.parse(event)).toMatchObject({
        alertId: 'alert-live-1',
        key: 'pump-009',
        severity: 'high',
        state: 'open',
      });
    } finally {
      controller.abort();
    }
    await waitFor(() => fx.server.ctx.alertFeed.listeners === 0, {
      description: 'the listener to go',
      timeoutMs: 5_000,
    });
    const audit = await waitFor(
      async () => {
        await fx.server.ctx.audit.flush();
        const rows = await fx.tch.ch.query<{ route: string }>(
          "SELECT route FROM api_audit WHERE route = '/v1/live/alerts'",
        );
        return rows.length > 0 && rows;
      },
      { description: 'the live stream audit row', timeoutMs: 5_000 },
    );
    expect(audit.length).toBe(1);
  });
});
