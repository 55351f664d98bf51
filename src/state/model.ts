/**
 * The one place that decides the ground-truth model (issue 15 item 5): an uploaded ONNX model,
 * else the config's circuit, else — a circuit that does not compile — the write-up's model, with
 * the problem a link that names it reports. The URL codec, the runner, the views and saved
 * experiments all ask here.
 */
import { presetValues, type ExperimentConfig } from '../core/config.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import { modelForCircuit } from '../core/model/presets.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';

export interface ResolvedModel {
  model: BaseModel;
  /** How the page names it: the upload's name, else the model's. */
  name: string;
  /** Why the circuit could not be used (the write-up's model stands in); null when it could. */
  problem: string | null;
}

/** The model the page shows for `circuit`, or `uploaded` when a user's model replaces it. */
export function resolveModel(circuit: string, uploaded?: { name: string; model: BaseModel } | null): ResolvedModel {
  if (uploaded) return { model: uploaded.model, name: uploaded.name, problem: null };
  const built = modelForCircuit(circuit);
  if (built.ok) return { model: built.value, name: built.value.name, problem: null };
  const model = xorAndModel();
  return { model, name: model.name, problem: `circuit: ${built.message}; using the write-up's model.` };
}

/** λ on moving to circuit `next`: the new circuit's default where λ is the old one's default, else the user's λ. */
export function lambdaForCircuit(config: ExperimentConfig, next: string): number {
  return config.lambda === presetValues(config.preset, config.circuit).lambda ? presetValues(config.preset, next).lambda : config.lambda;
}

/** The config moved onto the write-up's model (a circuit that did not compile, an upload): no cuts, its λ. */
export function onWriteUpModel(config: ExperimentConfig): ExperimentConfig {
  return { ...config, circuit: '', cuts: [], lambda: lambdaForCircuit(config, '') };
}
