import { option, section } from '../option.js';
import { boolean, nonEmpty, port } from '../parsers.js';

export const processor = section('processor', {
  metricsPort: option({
    env: 'VIGIL_METRICS_PORT',
    default: '9464',
    doc: 'Port of /metrics for roles without the API (`vigil process`); the demo serves metrics on the API port instead.',
    schema: port,
  }),
  publishAllInferences: option({
    env: 'VIGIL_PROCESSOR_PUBLISH_INFERENCES',
    default: 'true',
    doc: 'Publish every inference to the inferences topic (true) or only anomalous ones (false); ClickHouse always gets all.',
    schema: boolean,
  }),
  modelsDir: option({
    env: 'VIGIL_MODELS_DIR',
    default: 'models',
    doc: 'Committed default models (one folder per model name), registered and promoted when a model has no production version.',
    schema: nonEmpty,
  }),
});
