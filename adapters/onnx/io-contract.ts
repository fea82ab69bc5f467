/** Checks a loaded session's inputs and outputs against the ONNX I/O contract (core/model/README.md). */
import type { InferenceSession } from 'onnxruntime-node';

const INPUT = 'features';
const OUTPUT = 'score';

function isDynamic(dim: number | string | undefined): boolean {
  // A batch dimension is symbolic ('N', 'unk__0') or reported as -1 / 0 by the runtime.
  return typeof dim === 'string' || dim === -1 || dim === 0;
}

/** Every contract problem of the session (empty = it meets the contract for `featureCount` features). */
export function checkSessionIo(session: InferenceSession, featureCount: number): string[] {
  const problems: string[] = [];
  if (session.inputNames.length !== 1 || session.inputNames[0] !== INPUT) {
    problems.push(`inputs must be exactly [${INPUT}], got [${session.inputNames.join(', ')}]`);
  }
  if (session.outputNames.length !== 1 || session.outputNames[0] !== OUTPUT) {
    problems.push(`outputs must be exactly [${OUTPUT}], got [${session.outputNames.join(', ')}]`);
  }
  const input = session.inputMetadata.find((m) => m.name === INPUT);
  if (input?.isTensor) {
    if (input.type !== 'float32') problems.push(`input ${INPUT} must be float32, is ${input.type}`);
    const [batch, width] = input.shape;
    if (input.shape.length !== 2 || !isDynamic(batch)) {
      problems.push(`input ${INPUT} must have shape [N, F], has [${input.shape.join(', ')}]`);
    } else if (width !== featureCount) {
      problems.push(`input ${INPUT} takes ${width} features, the card's feature set has ${featureCount}`);
    }
  } else if (input) {
    problems.push(`input ${INPUT} must be a tensor`);
  }
  const output = session.outputMetadata.find((m) => m.name === OUTPUT);
  if (output?.isTensor) {
    if (output.type !== 'float32') problems.push(`output ${OUTPUT} must be float32, is ${output.type}`);
    const shape = output.shape;
    const ok =
      (shape.length === 1 && isDynamic(shape[0])) || (shape.length === 2 && isDynamic(shape[0]) && shape[1] === 1);
    if (!ok) problems.push(`output ${OUTPUT} must have shape [N] or [N, 1], has [${shape.join(', ')}]`);
  } else if (output) {
    problems.push(`output ${OUTPUT} must be a tensor`);
  }
  return problems;
}
