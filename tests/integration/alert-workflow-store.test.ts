import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRow } from '../../adapters/clickhouse/rows.js';
import { AlertRulesStore, LiveAlertRules } from '../../alert-workflow/index.js';
import type { Alert } from '../../core/events/types.js';
import { runCli } from '../helpers/cli.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';

let db: TestClickHouse;

beforeAll(async () => {
  db = await openTestClickHouse();
});

afterAll(async () => {
  await db?.close();
});

describe('threshold overrides in ClickHouse', () => {
  it('sets, lists, audits and clears overrides through the CLI; the stream rules see each change on refresh', async () => {
    const rules = new LiveAlertRules({ stream: 'sensors', source: new AlertRulesStore(db.ch), refreshEveryMs: 0 });
    await rules.refresh(Date.now());
    expect(rules.thresholdFor('pump', 'pump-7', 2)).toBe(2);

    const type = await runCli(
      ['thresholds', 'set', 'pump', '3.5', '--level', 'asset_type', '--reason', 'noisy fleet', '--by', 'ana'],
      db.env,
    );
    expect(type.err).toBe('');
    expect(type.code).toBe(0);
    const asset = await runCli(
      ['thresholds', 'set', 'pump-7', '4', '--reason', 'worn bearing, known', '--by', 'ana'],
      db.env,
    );
    expect(asset.code).toBe(0);
    const raised = await runCli(
      ['thresholds', 'set', 'pump-7', '4.5', '--reason', 'still noisy', '--by', 'bo'],
      db.env,
    );
    expect(raised.out).toContain('was 4');

    await rules.refresh(Date.now());
    expect(rules.thresholdFor('pump', 'pump-7', 2)).toBe(4.5);
    expect(rules.thresholdFor('pump', 'pump-8', 2)).toBe(3.5);
    expect(rules.thresholdFor('motor', 'motor-1', 2)).toBe(2);

    const list = await runCli(['thresholds', 'list', '--json'], db.env);
    const listed = list.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(listed.map((o) => [o.level, o.target, o.threshold])).toEqual([
      ['asset', 'pump-7', 4.5],
      ['asset_type', 'pump', 3.5],
    ]);

    const cleared = await runCli(
      ['thresholds', 'clear', 'pump-7', '--reason', 'bearing replaced', '--by', 'bo'],
      db.env,
    );
    expect(cleared.code).toBe(0);
    await rules.refresh(Date.now());
    expect(rules.thresholdFor('pump', 'pump-7', 2)).toBe(3.5);

    const history = await new AlertRulesStore(db.ch).thresholdHistory('sensors', 'pump-7');
    expect(history.map((h) => [h.setBy, h.cleared, h.previous, h.reason])).toEqual([
      ['bo', true, 4.5, 'bearing replaced'],
      ['bo', false, 4, 'still noisy'],
      ['ana', false, null, 'worn bearing, known'],
    ]);
  });

  it('refuses an override without a number (exit 2) or a reason (exit 1, documented code)', async () => {
    const nan = await runCli(['thresholds', 'set', 'pump-7', 'high', '--reason', 'x'], db.env);
    expect(nan.code).toBe(2);
    const noReason = await runCli(['thresholds', 'set', 'pump-7', '3', '--reason', ' '], db.env);
    expect(noReason.code).not.toBe(0);
    expect(noReason.err).toContain('VIGIL_ALERT_WORKFLOW_INVALID_THRESHOLD');
  });
});

describe('maintenance windows in ClickHouse', () => {
  it('adds, lists and ends a window through the CLI; the stream rules suppress inside it only', async () => {
    const now = Date.now();
    const added = await runCli(
      ['maintenance', 'add', 'pump-3', '--for', '4h', '--mode', 'planned_stop', '--reason', 'seal swap', '--json'],
      db.env,
    );
    expect(added.err).toBe('');
    const w = JSON.parse(added.out);
    expect(w.key).toBe('pump-3');
    expect(w.endsAt - w.startsAt).toBe(4 * 3_600_000);

    const rules = new LiveAlertRules({ stream: 'sensors', source: new AlertRulesStore(db.ch), refreshEveryMs: 0 });
    await rules.refresh(now);
    expect(rules.suppressedAt('pump-3', now + 60_000)).toBe(true);
    expect(rules.suppressedAt('pump-3', now + 5 * 3_600_000)).toBe(false);
    expect(rules.suppressedAt('pump-4', now + 60_000)).toBe(false);

    const active = await runCli(['maintenance', 'list', '--active', '--json'], db.env);
    expect(
      active.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).windowId),
    ).toEqual([w.windowId]);

    const ended = await runCli(['maintenance', 'end', w.windowId, '--by', 'ana'], db.env);
    expect(ended.code).toBe(0);
    const after = Date.now();
    await rules.refresh(after);
    expect(rules.suppressedAt('pump-3', after + 60_000)).toBe(false);
    const [stored] = await new AlertRulesStore(db.ch).listWindows('sensors', { key: 'pump-3' });
    expect(stored?.endedBy).toBe('ana');

    const missing = await runCli(['maintenance', 'end', 'no-such-window'], db.env);
    expect(missing.err).toContain('VIGIL_ALERT_WORKFLOW_WINDOW_NOT_FOUND');
    const backwards = await runCli(
      [
        'maintenance',
        'add',
        'pump-3',
        '--from',
        '2026-01-02T00:00:00Z',
        '--until',
        '2026-01-01T00:00:00Z',
        '--reason',
        'x',
      ],
      db.env,
    );
    expect(backwards.err).toContain('VIGIL_ALERT_WORKFLOW_INVALID_WINDOW');
  });

  it('stores the suppressed flag of an alert row', async () => {
    const alert: Alert = {
      alertId: 'a-sup-1',
      stream: 'sensors',
      key: 'pump-3',
      state: 'open',
      severity: 'high',
      openedAt: 1_700_000_000_000,
      closedAt: null,
      eventTime: 1_700_000_000_000,
      score: 3,
      modelName: 'sensors-pump',
      modelVersion: '1',
      contributors: [],
    };
    await db.ch.insertRows('alerts', [
      { ...alertRow(alert), suppressed: true },
      alertRow({ ...alert, alertId: 'a-2' }),
    ]);
    const rows = await db.ch.query<{ alert_id: string; suppressed: boolean }>(
      'SELECT alert_id, suppressed FROM alerts FINAL ORDER BY alert_id',
    );
    expect(rows.map((r) => [r.alert_id, Boolean(r.suppressed)])).toEqual([
      ['a-2', false],
      ['a-sup-1', true],
    ]);
  });
});
