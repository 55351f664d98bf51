/**
 * One zustand store built from slices: the experiment (single source of truth, mirrored to
 * the URL), the run (its status, as React renders it) and the selection. The snapshots
 * themselves travel outside React, in the snapshot lane (`snapshots.ts`).
 */
import { create } from 'zustand';
import { DEFAULT_EXPERIMENT, type Cut, type ExperimentConfig, type TrainConfig, type TranscoderKind } from '../core/config.ts';
import type { EngineName } from '../core/engine.ts';
import type { Ablation, BaseModel } from '../core/model/baseModel.ts';
import type { ModelInfo } from '../core/model/modelInfo.ts';
import type { DataEvent } from '../worker/protocol.ts';
import { NO_HIGHLIGHT, type Highlight } from './highlight.ts';
import { onWriteUpModel } from './model.ts';
import type { Pace } from './pace.ts';
import { snapshotLane } from './snapshots.ts';

export type RunStatus = 'idle' | 'training' | 'paused' | 'done' | 'error';

/** Keys whose change retrains from the seed; the rest (cuts, input, view) act on the current run. */
export const TRAINING_KEYS: readonly (keyof TrainConfig | 'engine' | 'circuit')[] = [
  'seed', 'lambda', 'penalty', 'c', 'norm', 'features', 'lr', 'steps', 'window', 'epsilon', 'lambdaP', 'warmup', 'asymmetry', 'consistency', 'engine', 'circuit',
  'preset', 'reduction', 'padDims', 'layout', 'thetaParam', 'thetaInit', 'straightThrough', 'preact', 'init', 'lrDecayStep', 'lrDecayFactor',
];

export interface ExperimentSlice {
  config: ExperimentConfig;
  /** Problems found in the URL, or other bad input, shown in the error banner. */
  problems: string[];
  /** A one-line notice of what the last change did ("λ 0.3 → 1: restarted from seed 0"). */
  notice: string | null;
  /** Bumped whenever the run must restart from its seed. */
  generation: number;
  setConfig: (patch: Partial<ExperimentConfig>) => void;
  replaceConfig: (config: ExperimentConfig, problems: string[]) => void;
  toggleCut: (dims: number[], layer: number) => void;
  dismissProblems: () => void;
}

export interface RunSlice {
  status: RunStatus;
  /**
   * The step of the last status event (a transition: pause, done, reset). While training the
   * step moves in the snapshot lane; React never renders on it (`RunBar` writes it to the DOM).
   */
  step: number;
  engine: EngineName;
  message: string | null;
  /** Step the scrubber shows, or null for live (mirrored into the snapshot lane). */
  scrubStep: number | null;
  /** The pace the reader chose: the watch pace or a fixed share of full speed. */
  speed: Pace;
  setRun: (patch: Partial<Pick<RunSlice, 'status' | 'step' | 'engine' | 'message'>>) => void;
  /** A new run: step 0, live, no feature ablations (the runner clears the snapshot lane). */
  clearRun: () => void;
  scrubTo: (step: number | null) => void;
  setSpeed: (speed: Pace) => void;
}

/** A feature switched off in one replacement model. */
export interface FeatureAblation {
  kind: TranscoderKind;
  layer: number;
  feature: number;
}

/** Interventions beyond cuts: they act on the current run and never retrain it. */
export interface InterventionSlice {
  featureAblations: FeatureAblation[];
  /** CLT decoder pairs (indices into its layout.pairs) switched off. */
  pairsOff: number[];
  neuronAblations: Ablation[];
  toggleFeatureAblation: (a: FeatureAblation) => void;
  togglePairOff: (q: number) => void;
  toggleNeuronAblation: (a: Ablation) => void;
  clearInterventions: () => void;
}

export interface SelectionSlice {
  highlight: Highlight;
  aliveOnly: boolean;
  setHighlight: (h: Highlight) => void;
  setAliveOnly: (v: boolean) => void;
}

/** A user's ONNX model the page shows instead of the config's circuit. */
export interface UploadedModel {
  name: string;
  model: BaseModel;
  info: ModelInfo;
}

/** The uploaded model, if any, and where the current run's training data came from. */
export interface ModelSlice {
  /** Replaces the circuit's model until a config change picks another circuit. */
  uploadedModel: UploadedModel | null;
  dataSource: Omit<DataEvent, 'type' | 'run'> | null;
  /** Switches the page to an upload the worker accepted: cuts, interventions and history start empty. */
  adoptUpload: (upload: UploadedModel) => void;
  setDataSource: (data: Omit<DataEvent, 'type' | 'run'>) => void;
  /** Shows a problem in the error banner without touching the run. */
  reportProblem: (message: string) => void;
}

export type Store = ExperimentSlice & RunSlice & InterventionSlice & SelectionSlice & ModelSlice;

function describeChange(before: ExperimentConfig, after: ExperimentConfig): string | null {
  const changed = TRAINING_KEYS.filter((k) => before[k] !== after[k]);
  if (changed.length === 0) return null;
  // A preset sets many options at once: name the preset, not each option.
  if (before.preset !== after.preset) return `preset ${before.preset} → ${after.preset}: the run restarted from seed ${after.seed}.`;
  const parts = changed.map((k) => `${k} ${String(before[k])} → ${String(after[k])}`);
  return `${parts.join(', ')}: the run restarted from seed ${after.seed}.`;
}

export { lambdaForCircuit } from './model.ts';

/** Choosing a circuit leaves an uploaded model (the worker's client does the same). */
function leaveUpload(before: ExperimentConfig, after: ExperimentConfig): Partial<ModelSlice> {
  return before.circuit !== after.circuit ? { uploadedModel: null } : {};
}

function sameCut(a: Cut, dims: number[], layer: number): boolean {
  return a.layer === layer && a.dims.length === dims.length && a.dims.every((d, i) => d === dims[i]);
}

export const useStore = create<Store>()((set, get) => ({
  config: DEFAULT_EXPERIMENT,
  problems: [],
  notice: null,
  generation: 0,
  setConfig: (patch) => {
    const before = get().config;
    const after = { ...before, ...patch };
    const notice = describeChange(before, after);
    set({ config: after, ...(notice ? { notice, generation: get().generation + 1 } : {}), ...leaveUpload(before, after) });
  },
  replaceConfig: (config, problems) => {
    const notice = describeChange(get().config, config);
    set({ config, problems, ...(notice ? { notice, generation: get().generation + 1 } : {}), ...leaveUpload(get().config, config) });
  },
  toggleCut: (dims, layer) => {
    const cuts = get().config.cuts;
    const sorted = [...dims].sort((x, y) => x - y);
    const on = cuts.some((c) => sameCut(c, sorted, layer));
    const next = on ? cuts.filter((c) => !sameCut(c, sorted, layer)) : [...cuts, { dims: sorted, layer }];
    set({ config: { ...get().config, cuts: next } });
  },
  dismissProblems: () => set({ problems: [] }),

  status: 'idle',
  step: 0,
  engine: 'cpu',
  message: null,
  scrubStep: null,
  speed: 'watch',
  setRun: (patch) => set(patch),
  clearRun: () => set({ scrubStep: null, step: 0, featureAblations: [] }),
  scrubTo: (step) => {
    snapshotLane.scrubTo(step);
    set({ scrubStep: step });
  },
  setSpeed: (speed) => set({ speed }),

  featureAblations: [],
  pairsOff: [],
  neuronAblations: [],
  toggleFeatureAblation: (a) => {
    const list = get().featureAblations;
    const same = (x: FeatureAblation) => x.kind === a.kind && x.layer === a.layer && x.feature === a.feature;
    set({ featureAblations: list.some(same) ? list.filter((x) => !same(x)) : [...list, a] });
  },
  togglePairOff: (q) => {
    const list = get().pairsOff;
    set({ pairsOff: list.includes(q) ? list.filter((x) => x !== q) : [...list, q] });
  },
  toggleNeuronAblation: (a) => {
    const list = get().neuronAblations;
    const same = (x: Ablation) => x.layer === a.layer && x.neuron === a.neuron;
    set({ neuronAblations: list.some(same) ? list.filter((x) => !same(x)) : [...list, a] });
  },
  clearInterventions: () => set({ featureAblations: [], pairsOff: [], neuronAblations: [], config: { ...get().config, cuts: [] } }),

  highlight: NO_HIGHLIGHT,
  aliveOnly: true,
  setHighlight: (highlight) => set({ highlight }),
  setAliveOnly: (aliveOnly) => set({ aliveOnly }),

  uploadedModel: null,
  dataSource: null,
  adoptUpload: (upload) =>
    set({
      uploadedModel: upload,
      // One update: no render may pair the new model with the old run's snapshots or cuts.
      config: { ...onWriteUpModel(get().config), input: 0 },
      scrubStep: null,
      step: 0,
      featureAblations: [],
      pairsOff: [],
      neuronAblations: [],
      highlight: NO_HIGHLIGHT,
      notice: `Loaded ${upload.name}: ${upload.info.layers} layers, D = ${upload.info.dims}, ${upload.model.n} input rows; the run restarted from seed ${get().config.seed}.`,
    }),
  setDataSource: (dataSource) => set({ dataSource }),
  reportProblem: (message) => {
    const problems = get().problems;
    if (!problems.includes(message)) set({ problems: [...problems, message] });
  },
}));
