import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRow } from '../../adapters/clickhouse/rows.js';
import type { Alert, AlertContributor } from '../../core/events/types.js';
import { auth, openServingFixture, type ServingFixture } from './serving-fixture.js';

let fx: ServingFixture;
const T0 = Date.UTC(2026, 1, 1);
const DAY = 86_400_000;

function contributor(channel: string, zScore: number): AlertContributor {
  return { channel, value: 50 + zScore, normalLow: 40, normalHigh: 60, zScore };
}

function alert(id: string, key: string, openedAt: number, contributors: AlertContributor[]): Alert {
  return {
    alertId: id,
    stream: 'sensors',
    key,
    state: 'closed',
    severity: 'high',
    openedAt,
    closedAt: openedAt + 600_000,
    eventTime: openedAt + 600_000,
    score: 5,
    modelName: 'sensors-pump',
    modelVersion: '1',
    contributors,
  };
}

function ack(a: Alert, verdict: string, comment: string, after = 120_000) {
  return {
    alert_id: a.alertId,
    stream: a.stream,
    key: a.key,
    ack_by: 'tech',
    ack_at: a.openedAt + after,
    verdict,
    comment,
    action: 'resolved',
  };
}

const inject = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
  fx.server.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) });

beforeAll(async () => {
  fx = await openServingFixture();
});

afterAll(async () => {
  await fx?.close();
});

describe('alert workflow API', () => {
  it('sets thresholds for admins only, lists them and keeps the audit trail', async () => {
    const body = { threshold: 4.2, reason: 'known vibration after overhaul' };
    expect((await inject('PUT', '/v1/thresholds/asset/pump-9', fx.keys.viewer, body)).statusCode).toBe(403);
    expect((await inject('PUT', '/v1/thresholds/asset/pump-9', fx.keys.operator, body)).statusCode).toBe(403);
    const set = await inject('PUT', '/v1/thresholds/asset/pump-9', fx.keys.admin, body);
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ level: 'asset', target: 'pump-9', threshold: 4.2, setBy: 'api:test admin' });
    const bad = await inject('PUT', '/v1/thresholds/site/x', fx.keys.admin, body);
    expect(bad.statusCode).toBe(400);

    const list = await inject('GET', '/v1/thresholds', fx.keys.viewer);
    expect(list.json().overrides.map((o: { target: string }) => o.target)).toEqual(['pump-9']);
    const cleared = await inject('DELETE', '/v1/thresholds/asset/pump-9?reason=overhaul%20done', fx.keys.admin);
    expect(cleared.json()).toMatchObject({ cleared: true, previous: 4.2 });
    expect((await inject('GET', '/v1/thresholds', fx.keys.viewer)).json().overrides).toEqual([]);
    const history = await inject('GET', '/v1/thresholds/history?target=pump-9', fx.keys.viewer);
    expect(history.json().changes).toHaveLength(2);
  });

  it('lets operators declare and end maintenance windows', async () => {
    const now = Date.now();
    const created = await inject('POST', '/v1/maintenance-windows', fx.keys.operator, {
      assetId: 'pump-4',
      mode: 'planned_stop',
      endsAt: now + 3_600_000,
      reason: 'impeller swap',
    });
    expect(created.statusCode).toBe(201);
    const w = created.json();
    expect(w).toMatchObject({ key: 'pump-4', mode: 'planned_stop', createdBy: 'api:test operator' });
    const denied = await inject('POST', '/v1/maintenance-windows', fx.keys.viewer, {
      assetId: 'pump-4',
      endsAt: now + 3_600_000,
      reason: 'x',
    });
    expect(denied.statusCode).toBe(403);
    const backwards = await inject('POST', '/v1/maintenance-windows', fx.keys.operator, {
      assetId: 'pump-4',
      startsAt: now,
      endsAt: now - 1,
      reason: 'x',
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().code).toBe('VIGIL_ALERT_WORKFLOW_INVALID_WINDOW');

    const active = await inject('GET', '/v1/maintenance-windows?active=true', fx.keys.viewer);
    expect(active.json().windows.map((x: { windowId: string }) => x.windowId)).toEqual([w.windowId]);
    const ended = await inject('POST', `/v1/maintenance-windows/${w.windowId}/end`, fx.keys.operator);
    expect(ended.statusCode).toBe(200);
    expect(ended.json().endedBy).toBe('api:test operator');
    expect((await inject('POST', '/v1/maintenance-windows/nope/end', fx.keys.operator)).statusCode).toBe(404);
  });

  it('explains an alert with its channels and the most similar past incidents, verdicts and notes', async () => {
    const bearing1 = alert('bear-1', 'pump-1', T0, [
      contributor('bearing_temp_c', 6),
      contributor('vibration_mm_s', 2),
    ]);
    const cavitation = alert('cav-1', 'pump-2', T0 + DAY, [
      contributor('suction_pressure_bar', -5),
      contributor('flow_m3_h', -4),
    ]);
    const bearing2 = alert('bear-2', 'pump-3', T0 + 2 * DAY, [
      contributor('bearing_temp_c', 5.5),
      contributor('vibration_mm_s', 2.5),
    ]);
    const later = alert('later', 'pump-1', T0 + 9 * DAY, [contributor('bearing_temp_c', 6)]);
    const current = alert('now-1', 'pump-5', T0 + 5 * DAY, [
      contributor('bearing_temp_c', 5.8),
      contributor('vibration_mm_s', 2.2),
    ]);
    await fx.tch.ch.insertRows(
      'alerts',
      [bearing1, cavitation, bearing2, later, current].map((a) => alertRow(a)),
    );
    await fx.tch.ch.insertRows('alert_acknowledgements', [
      ack(bearing1, 'real_fault', 'bearing replaced, grease contaminated'),
      ack(cavitation, 'false_alarm', 'valve closed for cleaning'),
    ]);
    const r = await inject('GET', '/v1/alerts/now-1/explanation?neighbours=3', fx.keys.viewer);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.alert.contributors[0]).toMatchObject({ channel: 'bearing_temp_c', normalLow: 40, normalHigh: 60 });
    const ids = body.similar.map((s: { alertId: string }) => s.alertId);
    // Only incidents before this alert; the two bearing incidents nearest, the cavitation one last.
    expect(ids).toEqual(['bear-1', 'bear-2', 'cav-1']);
    expect(body.similar[0]).toMatchObject({ verdict: 'real_fault', comment: 'bearing replaced, grease contaminated' });
    expect(body.similar[1].verdict).toBeNull();
    expect((await inject('GET', '/v1/alerts/missing/explanation', fx.keys.viewer)).statusCode).toBe(404);
  });

  it('reports alert quality: precision from verdicts, time to acknowledge, lead time, alerts per day', async () => {
    const base = T0 + 20 * DAY;
    const a1 = alert('q-1', 'pump-7', base, [contributor('bearing_temp_c', 6)]);
    const a2 = alert('q-2', 'pump-7', base + DAY, [contributor('bearing_temp_c', 6)]);
    const a3 = alert('q-3', 'pump-7', base + 2 * DAY, [contributor('bearing_temp_c', 6)]);
    const sup = alert('q-4', 'pump-7', base + 3 * DAY, [contributor('bearing_temp_c', 6)]);
    await fx.tch.ch.insertRows('alerts', [
      ...[a1, a2, a3].map((a) => alertRow(a)),
      { ...alertRow(sup), suppressed: true },
    ]);
    await fx.tch.ch.insertRows('alert_acknowledgements', [
      ack(a1, 'real_fault', 'ok', 60_000),
      ack(a2, 'false_alarm', 'noise', 180_000),
    ]);
    await fx.tch.ch.insertRows('fault_ground_truth', [
      {
        source: 'simulator',
        stream: 'sensors',
        key: 'pump-7',
        channels: ['bearing_temp_c'],
        kind: 'bearing_wear',
        start_time: base - 3_600_000,
        end_time: base + 7_200_000,
      },
    ]);
    const r = await inject('GET', `/v1/alert-quality?from=${base}&to=${base + 4 * DAY}`, fx.keys.viewer);
    expect(r.statusCode).toBe(200);
    const pump7 = r.json().assets.find((a: { key: string }) => a.key === 'pump-7');
    expect(pump7).toMatchObject({
      subject: 'pump',
      alerts: 3,
      suppressed: 1,
      reviewed: 2,
      realFaults: 1,
      falseAlarms: 1,
      precision: 0.5,
      medianTimeToAckMs: 120_000,
      medianLeadTimeMs: 7_200_000,
    });
    expect(pump7.alertsPerDay).toBeCloseTo(0.75);
    expect(r.json().bySubject[0]).toMatchObject({ subject: 'pump', alerts: 3, precision: 0.5 });
  });
});
