/**
 * The API fuzzed from its own OpenAPI document: schemathesis (tests/api-fuzz/) against a real `vigil serve` with
 * an admin key, checks not_a_server_error and response_schema_conformance, bounded by --max-examples and
 * --max-time (VIGIL_API_FUZZ_EXAMPLES, VIGIL_API_FUZZ_SECONDS; small here, larger in tests/reliability/api-fuzz).
 * Then the requests that failed with a 500 or an undeclared body before the fixes, replayed as fixed cases, so
 * a regression does not depend on the fuzzer drawing them again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FuzzRun, fuzzApi } from '../api-fuzz/fuzz-api.js';
import { freshKafkaEnv } from '../helpers/kafka.js';
import { reportFigures } from '../reliability/harness.js';

const workDir = mkdtempSync(join(tmpdir(), 'vigil-api-fuzz-'));
let fuzz: FuzzRun | undefined;
afterAll(async () => {
  await fuzz?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** What schemathesis found on the first run (seed 1), each once a 500 or a body no schema declared. */
function foundCases(now: number): { what: string; method: string; path: string; body?: unknown; type?: string }[] {
  const long = '0'.repeat(129);
  return [
    { what: 'time beyond 2^53', method: 'GET', path: '/v1/inferences?to=9185733904070016' },
    { what: 'time beyond Date', method: 'GET', path: '/v1/assets/00/series?from=60215061300&to=9193885320797661' },
    { what: 'negative time', method: 'GET', path: '/v1/alert-quality?to=-24386541346422984' },
    { what: 'partition beyond int32', method: 'POST', path: `/v1/dead-letters/t/${'1'.repeat(36)}/9/replay` },
    { what: 'offset with a leading zero', method: 'POST', path: '/v1/dead-letters/t/1/060/replay' },
    {
      what: 'window start beyond 2^53',
      method: 'POST',
      path: '/v1/maintenance-windows',
      body: { stream: 'orders', assetId: '00', mode: 'test_run', startsAt: -4.3e26, endsAt: 5166, reason: 'fuzz' },
    },
    {
      what: 'event time beyond Date, CSV answer',
      method: 'POST',
      path: '/v1/score?format=csv',
      body: { assetId: '00', assetType: 'pump', readings: [{ eventTime: 9489288046216314, channels: { a: 1 } }] },
    },
    {
      what: 'event time beyond a JSON integer',
      method: 'POST',
      path: '/v1/score/batch',
      body: { readings: [{ assetId: 'a', assetType: 'pump', eventTime: 2.0459e24, channels: {} }] },
    },
    { what: 'multipart without a boundary', method: 'POST', path: '/v1/score/file', type: 'multipart/form-data' },
    { what: 'path parameter over 100 characters', method: 'DELETE', path: `/v1/thresholds/asset/${long}?reason=x` },
    {
      what: 'ingest stamped 2 h ahead (the broker refuses it)',
      method: 'POST',
      path: '/v1/ingest',
      body: { readings: [{ assetId: 'a', assetType: 'pump', eventTime: now + 7_200_000, channels: { x: 1 } }] },
    },
  ];
}

describe('API fuzzing (schemathesis)', () => {
  it('finds no server error and no response outside its schema', { timeout: 600_000 }, async () => {
    const { env } = await freshKafkaEnv({
      VIGIL_DATA_DIR: join(workDir, 'data'),
      CLICKHOUSE_DATABASE: 'fuzz',
      VIGIL_METRICS_PORT: '0',
    });
    fuzz = await fuzzApi({
      env,
      workDir,
      maxExamples: Number(process.env.VIGIL_API_FUZZ_EXAMPLES ?? 3),
      maxSeconds: Number(process.env.VIGIL_API_FUZZ_SECONDS ?? 30),
      seed: Number(process.env.VIGIL_API_FUZZ_SEED ?? 1),
    });
    const { report } = fuzz;
    reportFigures('api-fuzz', {
      operations: report.operations.tested,
      generated: report.test_cases.generated,
      failures: report.test_cases.unique_failures,
      seconds: Math.round(report.running_time),
      stop: report.stop_reason,
      phases: Object.entries(report.phases)
        .map(([phase, { status }]) => `${phase}:${status}`)
        .join(' '),
    });
    expect(report.failures, fuzz.output).toEqual([]);
    expect(report.errors, fuzz.output).toEqual([]);
    expect(fuzz.exitCode, fuzz.output).toBe(0);
    expect(report.operations.tested).toBe(report.operations.selected);
    expect(report.operations.tested).toBeGreaterThanOrEqual(30);
    expect(report.test_cases.generated).toBeGreaterThan(report.operations.tested);

    for (const c of foundCases(Date.now())) {
      const response = await fetch(`${fuzz.baseUrl}${c.path}`, {
        method: c.method,
        headers: {
          authorization: `Bearer ${fuzz.token}`,
          ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(c.type !== undefined ? { 'content-type': c.type } : {}),
        },
        body: c.body !== undefined ? JSON.stringify(c.body) : c.type !== undefined ? '' : undefined,
      });
      const body = (await response.json()) as Record<string, unknown>;
      expect({ what: c.what, status: response.status, code: body.code }).toEqual({
        what: c.what,
        status: 400,
        code: 'VIGIL_SERVING_VALIDATION',
      });
      expect(typeof body.requestId, c.what).toBe('string');
    }
    expect(fuzz.serverErrors).toEqual([]);
    expect(await fuzz.stop()).toBe(0);
  });
});
