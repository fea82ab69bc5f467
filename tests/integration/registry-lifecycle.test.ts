/**
 * The model registry against the real ClickHouse engine, Kafka and schema registry: register -> shadow ->
 * promote -> rollback, each recorded (who, when, from, to, why) in model_events and announced on the compacted
 * model-control topic; and each refusal: illegal transition, corrupt ONNX, card/file hash mismatch, contract
 * mismatch, regression (and --force with a reason, audited). Models are trained here with `vigil train
 * --simulate` on a few simulated hours, so their feature set is the processors' one.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createEventCodec } from '../../adapters/kafka/event-codec.js';
import { ensureTopics } from '../../adapters/kafka/topics.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { registerSchemas } from '../../adapters/registry/register-schemas.js';
import { configWith } from '../../core/config/index.js';
import { isVigilError } from '../../core/errors.js';
import type { ModelEvent } from '../../core/events/types.js';
import { sha256Hex } from '../../core/sha256.js';
import { topicsFromConfig } from '../../core/topics.js';
import {
  bootstrapDefaultModels,
  type ClickHouseModelRegistry,
  kafkaAnnouncer,
  openModelRegistry,
} from '../../registry/index.js';
import { runCli } from '../helpers/cli.js';
import { openTestClickHouse, silentLogger, type TestClickHouse } from '../helpers/clickhouse.js';
import { waitFor } from '../helpers/wait.js';

const brokers = inject('kafkaBrokers');
const registryUrl = inject('schemaRegistryUrl');
const prefix = `test.${randomBytes(4).toString('hex')}.`;
const work = mkdtempSync(join(tmpdir(), 'vigil-registry-test-'));
const config = configWith({
  KAFKA_BROKERS: brokers.join(','),
  SCHEMA_REGISTRY_URL: registryUrl,
  VIGIL_TOPIC_PREFIX: prefix,
  VIGIL_DATA_DIR: join(work, 'data'),
  LOG_LEVEL: 'silent',
});
const kafka = createKafkaClient(config, silentLogger, { clientIdSuffix: 'registry-test' });
const schemaRegistry = createRegistryClient(config);
const topic = topicsFromConfig(config).modelControl;
let db: TestClickHouse;
let registry: ClickHouseModelRegistry;
let announcer: ReturnType<typeof kafkaAnnouncer>;
const received: ModelEvent[] = [];
let consumer: Consumer;

async function train(seed: number, out: string): Promise<void> {
  const run = await runCli(
    [
      'train',
      '--simulate',
      '--asset-type',
      'pump',
      '--from',
      '2026-01-05T00:00:00Z',
      '--to',
      '2026-01-05T08:00:00Z',
    ].concat(['--assets', '2', '--algorithm', 'iforest', '--seed', String(seed), '--out', out, '--no-tracking']),
    { VIGIL_DATA_DIR: join(work, 'data'), LOG_LEVEL: 'silent' },
  );
  expect(run.code, run.err).toBe(0);
}

/** A copy of a trained model directory with its card edited (the ONNX file and its hash stay valid). */
function variant(source: string, name: string, edit: (card: CardJson) => void): string {
  const dir = join(work, name);
  cpSync(source, dir, { recursive: true });
  const card = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8'));
  edit(card);
  writeFileSync(join(dir, 'card.json'), JSON.stringify(card));
  return dir;
}

async function refusal(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a refusal');
}

/** The fields of a parsed card.json the tests edit. */
interface CardJson {
  name: string;
  version: string;
  featureSet: { version: string };
  onnx: { sha256: string };
  metrics: { overall: { f1: number } };
}

const A = join(work, 'a');
const B = join(work, 'b');

beforeAll(async () => {
  db = await openTestClickHouse();
  await ensureTopics({ kafka, topics: [topic], brokers, logger: silentLogger });
  const [registered] = await registerSchemas(schemaRegistry, [topic]);
  const codec = createEventCodec('model-event', schemaRegistry, { schemaId: registered!.id });
  consumer = kafka.consumer({ groupId: `${prefix}registry-test` });
  await consumer.connect();
  await consumer.subscribe({ topic: topic.name, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = await codec.decode(message.value!);
      expect(message.key?.toString()).toBe(event.modelName);
      received.push(event);
    },
  });
  announcer = kafkaAnnouncer({ kafka, topic, schemaRegistry, brokers, logger: silentLogger });
  registry = openModelRegistry({ ch: db.ch, kafka, schemaRegistry, config, logger: silentLogger, announcer });
  await train(1, A);
  await train(2, B);
}, 300_000);

afterAll(async () => {
  await consumer?.disconnect();
  await announcer?.close();
  await db?.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic.name] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(work, { recursive: true, force: true });
});

describe('model lifecycle', () => {
  let a: string;
  let b: string;

  it('register -> shadow -> promote -> promote -> rollback, audited in model_events and announced', async () => {
    const ra = await registry.register(A, 'alice');
    expect(ra.state).toBe('registered');
    a = ra.version;
    expect(registry.store.dirOf(ra)).toBe(join(work, 'data', 'models', ra.onnxSha256));
    // Registering the same directory again is a no-op.
    expect((await registry.register(A, 'alice')).version).toBe(a);

    await registry.shadow({ name: 'sensors-pump', version: a, actor: 'alice', reason: 'try it' });
    expect((await registry.get('sensors-pump', a)).state).toBe('shadow');
    await registry.promote({ name: 'sensors-pump', version: a, actor: 'bob', reason: 'first model' });
    expect((await registry.production('sensors-pump'))?.version).toBe(a);

    const rb = await registry.register(B, 'alice');
    b = rb.version;
    expect(b).not.toBe(a);
    // Two tiny runs on different simulated data: forced (the gate itself is tested below); audited as forced.
    const promoted = await registry.promote({
      name: 'sensors-pump',
      version: b,
      actor: 'carol',
      reason: 'retrained',
      force: true,
    });
    expect(promoted.fromVersion).toBe(a);
    expect((await registry.get('sensors-pump', a)).state).toBe('archived');
    expect((await registry.production('sensors-pump'))?.version).toBe(b);

    const rolled = await registry.rollback({ name: 'sensors-pump', actor: 'dave', reason: 'alert storm' });
    expect(rolled).toMatchObject({
      action: 'rollback',
      version: a,
      fromVersion: b,
      actor: 'dave',
      reason: 'alert storm',
    });
    expect((await registry.production('sensors-pump'))?.version).toBe(a);
    expect((await registry.get('sensors-pump', b)).state).toBe('archived');

    const history = await registry.history('sensors-pump');
    expect(history.map((e) => [e.action, e.version, e.fromVersion, e.actor])).toEqual([
      ['register', a, null, 'alice'],
      ['shadow', a, null, 'alice'],
      ['promote', a, null, 'bob'],
      ['register', b, null, 'alice'],
      ['promote', b, a, 'carol'],
      ['rollback', a, b, 'dave'],
    ]);
    expect(history.every((e, i) => i === 0 || e.at > history[i - 1]!.at)).toBe(true);
    expect(history[5]!.reason).toBe('alert storm');

    const announced = await waitFor(() => (received.length >= 6 ? received.slice(0, 6) : undefined), {
      timeoutMs: 30_000,
      description: 'six model-control messages',
    });
    expect(announced.map((e) => [e.action, e.version, e.fromVersion, e.actor, e.stream])).toEqual(
      history.map((e) => [e.action, e.version, e.fromVersion, e.actor, 'sensors']),
    );
    expect(announced[5]!.reason).toBe('alert storm');
  });

  it('refuses an illegal transition, naming the allowed states, and a rollback with nothing before', async () => {
    const illegal = await refusal(registry.shadow({ name: 'sensors-pump', version: a, actor: 'x', reason: '' }));
    expect(isVigilError(illegal, 'VIGIL_MODEL_TRANSITION_INVALID')).toBe(true);
    expect(illegal.message).toContain('from production it can go to: archived');
    const archiveLive = await refusal(registry.archive({ name: 'sensors-pump', version: a, actor: 'x', reason: '' }));
    expect(isVigilError(archiveLive, 'VIGIL_MODEL_TRANSITION_INVALID')).toBe(true);
    const noReason = await refusal(registry.promote({ name: 'sensors-pump', version: b, actor: 'x', reason: ' ' }));
    expect(isVigilError(noReason, 'VIGIL_MODELS_REASON_REQUIRED')).toBe(true);
    const unknown = await refusal(registry.promote({ name: 'sensors-pump', version: 'nope', actor: 'x', reason: 'r' }));
    expect(isVigilError(unknown, 'VIGIL_MODELS_UNKNOWN_VERSION')).toBe(true);
    expect(unknown.message).toContain(a);
    const nothingBefore = await refusal(registry.rollback({ name: 'sensors-pump', actor: 'x', reason: 'again' }));
    expect(isVigilError(nothingBefore, 'VIGIL_MODELS_NO_PREVIOUS_PRODUCTION')).toBe(true);
    expect((await registry.production('sensors-pump'))?.version).toBe(a);
  });

  it('refuses a corrupt ONNX file and a card that does not match its file, registering nothing', async () => {
    const garbage = Buffer.from('this is not an ONNX model');
    const corrupt = variant(A, 'corrupt', (card) => {
      card.version = 'corrupt';
      card.onnx.sha256 = sha256Hex(garbage);
    });
    writeFileSync(join(corrupt, 'model.onnx'), garbage);
    expect(isVigilError(await refusal(registry.register(corrupt, 'x')), 'VIGIL_MODEL_ONNX_INVALID')).toBe(true);

    const tampered = variant(A, 'tampered', (card) => {
      card.version = 'tampered';
    });
    const bytes = readFileSync(join(tampered, 'model.onnx'));
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(join(tampered, 'model.onnx'), bytes);
    expect(isVigilError(await refusal(registry.register(tampered, 'x')), 'VIGIL_MODEL_HASH_MISMATCH')).toBe(true);

    const versions = (await registry.list({ name: 'sensors-pump' })).map((v) => v.version);
    expect(versions).not.toContain('corrupt');
    expect(versions).not.toContain('tampered');
  });

  it("refuses to promote a model whose feature set is not the processors'", async () => {
    const other = variant(A, 'other-features', (card) => {
      card.name = 'sensors-pump-contract';
      card.version = 'old-features';
      card.featureSet.version = '0';
    });
    const registered = await registry.register(other, 'x');
    const error = await refusal(
      registry.promote({ name: registered.name, version: registered.version, actor: 'x', reason: 'try' }),
    );
    expect(isVigilError(error, 'VIGIL_MODEL_CONTRACT_MISMATCH')).toBe(true);
    expect(error.message).toContain('version: model has 0, processor 1');
    expect(await registry.production('sensors-pump-contract')).toBeUndefined();
  });

  it('refuses a regression unless forced with a reason, which the audit trail keeps', async () => {
    const f1 = (value: number) => (card: CardJson) => {
      card.name = 'sensors-pump-gate';
      card.version = `f1-${value}`;
      card.metrics.overall.f1 = value;
    };
    const good = await registry.register(variant(A, 'good', f1(0.9)), 'x');
    await registry.promote({ name: good.name, version: good.version, actor: 'x', reason: 'baseline' });
    // Same snapshot and split as the baseline (both cards from A's run): the cards' metrics are compared.
    const worse = await registry.register(variant(A, 'worse', f1(0.5)), 'x');
    const refused = await refusal(
      registry.promote({ name: worse.name, version: worse.version, actor: 'erin', reason: 'newer' }),
    );
    expect(isVigilError(refused, 'VIGIL_MODELS_REGRESSION')).toBe(true);
    expect(refused.message).toContain('0.5 vs production 0.9');
    expect((await registry.production('sensors-pump-gate'))?.version).toBe(good.version);

    const forced = await registry.promote({
      name: worse.name,
      version: worse.version,
      actor: 'erin',
      reason: 'recall matters more here',
      force: true,
    });
    expect(forced.reason).toMatch(/^FORCED past the regression gate \(regression: held-out F1 0\.5 vs production 0\.9/);
    expect(forced.reason).toContain('recall matters more here');
    const last = (await registry.history('sensors-pump-gate')).at(-1);
    expect(last).toMatchObject({ action: 'promote', version: worse.version, fromVersion: good.version, actor: 'erin' });
    expect(last?.reason).toBe(forced.reason);
  });

  it('bootstraps committed defaults only where a model has no production version', async () => {
    const defaults = join(work, 'defaults');
    cpSync(B, join(defaults, 'sensors-pump'), { recursive: true });
    const results = await bootstrapDefaultModels(registry, defaults, 'vigil');
    expect(results).toEqual([{ name: 'sensors-pump', version: a, outcome: 'kept' }]);
    expect((await registry.production('sensors-pump'))?.version).toBe(a);
  });
});
