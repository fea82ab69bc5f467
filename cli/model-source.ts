/**
 * Where processors find model versions. The committed models in VIGIL_MODELS_DIR serve as the production
 * versions until the model registry manages them.
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { readCard } from '../adapters/onnx/index.js';
import { directoryModelSource, type ModelSource } from '../stream-processors/live-models.js';
import type { CliContext } from './context.js';

export async function modelSourceFor(ctx: CliContext, _clickhouse: ClickHouse): Promise<ModelSource> {
  return directoryModelSource(ctx.config().processor.modelsDir, async (dir) => {
    try {
      return (await readCard(dir)).version;
    } catch {
      return undefined;
    }
  });
}
