/**
 * Shared pieces of the fault tests (tests/reliability/ and tests/integration/reliability-*.test.ts): publish a
 * simulated plant, run in-process processors, read the pause metric, fingerprint what queries see, audit delivery,
 * and a TCP proxy that can cut a real component off the network (a registry outage without stopping the shared
 * registry other tests use).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { expect } from 'vitest';
import { type ClickHouse, createClickHouse } from '../../adapters/clickhouse/index.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createEventCodec } from '../../adapters/kafka/event-codec.js';
import { createLogger, type Logger } from '../../adapters/logger.js';
import { createMetricsRegistry, type Registry } from '../../adapters/metrics.js';
import { readCard } from '../../adapters/onnx/index.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { type Config, loadConfig } from '../../core/config/index.js';
import { assetTypes, defaultPlant } from '../../core/plant/catalogue.js';
import { topicsFromConfig } from '../../core/topics.js';
import { auditDelivery } from '../../delivery-audit/audit-delivery.js';
import type { DeliveryAudit } from '../../delivery-audit/compare.js';
import { eventIdReader } from '../../delivery-audit/topic-range.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import { directoryModelSource } from '../../stream-processors/live-models.js';
import { StreamProcessor } from '../../stream-processors/processor.js';

export const silent = createLogger('silent');

export interface PlantRun {
  readonly start: number;
  readonly end: number;
  readonly acknowledged: number;
}

/** Publishes `minutes` of a simulated plant (its data problems included) and returns what was acknowledged. */
export async function publishPlant(
  config: Config,
  options: { minutes: number; assets: number; seed: number; start?: number; ratePerSecond?: number },
): Promise<PlantRun> {
  const start = options.start ?? Date.UTC(2026, 5, 1, 6);
  const end = start + options.minutes * 60_000;
  const publisher = await openPublisher('sensor-readings', config, silent);
  const sim = new PlantSimulator(defaultPlant(), { seed: options.seed, start, end, assets: options.assets });
  const began = Date.now();
  let sent = 0;
  for (let r = sim.next(); r !== null; r = sim.next()) {
    const wait = publisher.write(r);
    if (wait) await wait;
    sent += 1;
    if (options.ratePerSecond !== undefined) {
      // Steady rate for a run that must overlap with faults: publishing ahead of the clock waits.
      const due = began + (sent / options.ratePerSecond) * 1000;
      const ahead = due - Date.now();
      if (ahead > 5) await new Promise((resolve) => setTimeout(resolve, ahead));
    }
  }
  await publisher.close();
  return { start, end, acknowledged: publisher.stats.acknowledged };
}

export interface RunningProcessor {
  readonly processor: StreamProcessor;
  readonly metrics: Registry;
  /** Current value of vigil_processor_paused{stream="sensors"} (0 or 1). */
  paused(): Promise<number>;
}

export function sensorProcessor(
  config: Config,
  clickhouse: ClickHouse,
  groupId: string,
  logger: Logger = silent,
): RunningProcessor {
  const metrics = createMetricsRegistry();
  const processor = new StreamProcessor({
    stream: 'sensors',
    config,
    logger,
    clickhouse,
    metrics,
    models: directoryModelSource('models', async (dir) => (await readCard(dir)).version),
    subjects: assetTypes(),
    groupId,
  });
  return {
    processor,
    metrics,
    paused: async () => {
      const metric = metrics.getSingleMetric('vigil_processor_paused');
      const values = metric === undefined ? [] : (await metric.get()).values;
      return Math.max(0, ...values.map((v) => v.value));
    },
  };
}

/** What queries see in one database: counts, distinct identities and order-free content hashes per table. */
export type Fingerprint = Awaited<ReturnType<typeof fingerprint>>;

export async function fingerprint(ch: ClickHouse) {
  const one = async (sql: string) => (await ch.query(sql))[0];
  return {
    readings: await one(
      'SELECT count() AS n, uniqExact(event_id) AS ids, sum(cityHash64(event_id, toString(channels))) AS h FROM sensor_readings FINAL',
    ),
    features: await one(
      'SELECT count() AS n, uniqExact(event_id) AS ids, sum(cityHash64(event_id, toString(vector))) AS h FROM features FINAL',
    ),
    inferences: await one(
      `SELECT count() AS n, uniqExact(event_id, model_role) AS ids,
              sum(cityHash64(inference_id, event_id, model_version, toString(score), anomaly)) AS h FROM inferences FINAL`,
    ),
    deadLetters: await ch.query('SELECT reason, count() AS n FROM dead_letters FINAL GROUP BY reason ORDER BY reason'),
    alerts: await ch.query(
      'SELECT alert_id, state, severity FROM alerts FINAL ORDER BY alert_id',
      {},
      { maxRows: 100_000 },
    ),
  };
}

/** `vigil audit-delivery` over everything the sensor topic holds, against `ch`. */
export async function auditAll(config: Config, ch: ClickHouse): Promise<DeliveryAudit> {
  const topic = topicsFromConfig(config).sensorReadings.name;
  const codec = createEventCodec('sensor-reading', createRegistryClient(config));
  return auditDelivery({
    kafka: createKafkaClient(config, silent, { clientIdSuffix: 'audit' }),
    ch,
    eventIdOf: eventIdReader((bytes) => codec.decode(bytes)),
    stream: 'sensors',
    topic,
    rawTable: 'sensor_readings',
    from: 0,
    to: 8.64e15,
    readTimeoutMs: 120_000,
    maxRecords: 1_000_000,
    logger: silent,
  });
}

/** A TCP proxy to `target` that can refuse and cut connections on demand (a component "down" for its clients). */
export class CuttableProxy {
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  #up = true;
  port = 0;
  /** Connections refused while down. */
  refused = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    this.#server = createServer((client) => {
      if (!this.#up) {
        this.refused += 1;
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, this.host);
      this.#track(client);
      this.#track(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
      client.on('close', close);
      upstream.on('close', close);
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
  }

  down(): void {
    this.#up = false;
    for (const s of this.#sockets) s.destroy();
  }

  up(): void {
    this.#up = true;
  }

  async stop(): Promise<void> {
    this.down();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

/** Least-squares slope of `ys` over `xs` (per unit of x). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * A database of the embedded engine in `dataDir`, opened for `fn` and closed after: between such calls the test's
 * child processes (`vigil process`) own the engine's directory.
 */
export async function withDatabase<T>(
  dataDir: string,
  database: string,
  fn: (ch: ClickHouse) => Promise<T>,
): Promise<T> {
  const ch = await createClickHouse(loadConfig({ VIGIL_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: database }), silent);
  try {
    return await fn(ch);
  } finally {
    await ch.close();
  }
}

/** Every acknowledged event is in ClickHouse exactly once. */
export function expectDeliveredOnce(audit: DeliveryAudit, acknowledged: number): void {
  expect(audit.totals.produced).toBe(acknowledged);
  expect(audit.totals.missing).toBe(0);
  expect(audit.totals.duplicated).toBe(0);
}

/** What queries see after the fault equals a clean run of the same input (and the clean run scored something). */
export function expectSameAsClean(clean: Fingerprint, faulted: Fingerprint): void {
  expect(Number(clean.inferences?.n)).toBeGreaterThan(0);
  expect(faulted).toEqual(clean);
}

/** One line of the figures docs/reliability.md reports. */
export function reportFigures(fault: string, figures: Record<string, number | string>): void {
  process.stderr.write(`[reliability] ${fault}: ${JSON.stringify(figures)}\n`);
}
