"""The ONNX I/O contract every Vigil model satisfies (mirrored by core/model/ and adapters/onnx/ in TypeScript).

One input `features`: float32 [N, F], F = number of features of the feature set, in its order.
One output `score`: float32 [N] (or [N, 1]); higher = more anomalous; anomaly iff score > card.threshold.
Opsets are pinned so that the runtime in the stream processor (onnxruntime-node) runs every model we export.
"""

from __future__ import annotations

import onnx
from onnx import TensorProto, helper

from .errors import TrainingError

INPUT_NAME = "features"
OUTPUT_NAME = "score"
OPSET = {"": 17, "ai.onnx.ml": 3}
IR_VERSION = 8  # the IR version that goes with opset 17
PRODUCER = "vigil-training"


def _dims(value_info: onnx.ValueInfoProto) -> list[int | None]:
    return [d.dim_value if d.HasField("dim_value") else None for d in value_info.type.tensor_type.shape.dim]


def prune_to_output(graph: onnx.GraphProto, output: str) -> None:
    """Drops every node and initializer `output` does not depend on (e.g. skl2onnx's extra `label` output)."""
    needed = {output}
    kept: list[onnx.NodeProto] = []
    for node in reversed(list(graph.node)):
        if any(o in needed for o in node.output):
            kept.append(node)
            needed.update(i for i in node.input if i)
    kept.reverse()
    del graph.node[:]
    graph.node.extend(kept)
    inits = [i for i in graph.initializer if i.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(inits)


def finalize(model: onnx.ModelProto, graph_name: str) -> onnx.ModelProto:
    """Pins the metadata that would otherwise vary (producer, doc strings) so the same fit gives the same bytes."""
    model.producer_name = PRODUCER
    model.producer_version = "1"
    model.doc_string = ""
    model.graph.name = graph_name
    model.graph.doc_string = ""
    model.ir_version = IR_VERSION
    del model.metadata_props[:]
    check_contract(model, n_features=None)
    return model


def check_contract(model: onnx.ModelProto, n_features: int | None) -> None:
    """Raises TrainingError listing every way `model` breaks the I/O contract."""
    problems: list[str] = []
    try:
        onnx.checker.check_model(model, full_check=True)
    except onnx.checker.ValidationError as exc:
        problems.append(f"ONNX checker: {exc}")
    inputs = [i for i in model.graph.input if i.name not in {init.name for init in model.graph.initializer}]
    if [i.name for i in inputs] != [INPUT_NAME]:
        problems.append(f"inputs must be exactly [{INPUT_NAME}], got {[i.name for i in inputs]}")
    else:
        vi = inputs[0]
        if vi.type.tensor_type.elem_type != TensorProto.FLOAT:
            problems.append(f"input {INPUT_NAME} must be float32")
        dims = _dims(vi)
        if len(dims) != 2 or dims[0] is not None:
            problems.append(f"input {INPUT_NAME} must have shape [N, F], got {dims}")
        elif n_features is not None and dims[1] != n_features:
            problems.append(f"input {INPUT_NAME} has {dims[1]} features, the feature set has {n_features}")
    outputs = list(model.graph.output)
    if [o.name for o in outputs] != [OUTPUT_NAME]:
        problems.append(f"outputs must be exactly [{OUTPUT_NAME}], got {[o.name for o in outputs]}")
    else:
        vo = outputs[0]
        if vo.type.tensor_type.elem_type != TensorProto.FLOAT:
            problems.append(f"output {OUTPUT_NAME} must be float32")
        dims = _dims(vo)
        if not (len(dims) == 1 or (len(dims) == 2 and dims[1] == 1)):
            problems.append(f"output {OUTPUT_NAME} must have shape [N] or [N, 1], got {dims}")
    opsets = {o.domain: o.version for o in model.opset_import}
    for domain, version in opsets.items():
        if domain not in OPSET or version > OPSET[domain]:
            problems.append(f"opset {domain or 'ai.onnx'}={version} is not allowed (pinned: {OPSET})")
    if problems:
        raise TrainingError("ONNX model breaks the Vigil contract: " + "; ".join(problems))


def features_input(n_features: int) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [None, n_features])


def score_output() -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, [None])
