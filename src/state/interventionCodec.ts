/**
 * The interventions beyond cuts (feature ablations, CLT decoder blocks off, neuron ablations)
 * as URL keys, so a link carries them too. Text forms use only [a-z0-9.*]:
 *   `fa=c1.3*p0.5`  ablate CLT feature 3 of layer 1 and PLT feature 5 of layer 0,
 *   `off=2*4`       CLT decoder blocks 2 and 4 (indices into its layout's pairs) off,
 *   `na=1.3*0.2`    neuron 3 of layer 1 and neuron 2 of layer 0 of the real model ablated.
 * Parsing never throws; what cannot be read is dropped and reported. Whether an index fits
 * the model is checked where the model is known (fitToModel).
 */
import type { Ablation, BaseModel } from '../core/model/baseModel.ts';
import { transcoderLayout } from '../core/run.ts';
import type { ExperimentConfig } from '../core/config.ts';
import { quote } from '../core/text.ts';
import type { FeatureAblation } from './store.ts';

/** Longest list of each intervention kind kept (in a link and in a saved record). */
export const MAX_INTERVENTIONS = 512;

/** Interventions beyond cuts (the hash's fa, off and na keys). */
export interface SavedInterventions {
  featureAblations: FeatureAblation[];
  pairsOff: number[];
  neuronAblations: Ablation[];
}

/** The URL keys, in the order they are written. */
export const INTERVENTION_KEYS = ['fa', 'off', 'na'] as const;

/** Longest value accepted for one key: every item at its longest, MAX_INTERVENTIONS of them. */
const MAX_LENGTH = MAX_INTERVENTIONS * 12;

export const NO_INTERVENTIONS: SavedInterventions = { featureAblations: [], pairsOff: [], neuronAblations: [] };

/** The keys and values to add to the hash; empty lists add nothing. */
export function formatInterventions(iv: SavedInterventions): [string, string][] {
  const out: [string, string][] = [];
  if (iv.featureAblations.length) out.push(['fa', iv.featureAblations.map((a) => `${a.kind === 'clt' ? 'c' : 'p'}${a.layer}.${a.feature}`).join('*')]);
  if (iv.pairsOff.length) out.push(['off', iv.pairsOff.join('*')]);
  if (iv.neuronAblations.length) out.push(['na', iv.neuronAblations.map((a) => `${a.layer}.${a.neuron}`).join('*')]);
  return out;
}

/** A small non-negative integer written plainly, or null. */
function index(text: string): number | null {
  return /^\d{1,6}$/.test(text) ? Number(text) : null;
}

/**
 * Reads one key's items with `item`; items that do not read, repeats and those past
 * MAX_INTERVENTIONS are dropped, each kind of problem reported once.
 */
function readItems<T>(key: string, text: string | null, item: (s: string) => T | null, same: (a: T, b: T) => boolean, problems: string[]): T[] {
  if (text === null || text === '') return [];
  if (text.length > MAX_LENGTH) {
    problems.push(`${key}: ${text.length} characters is over the ${MAX_LENGTH} allowed; ignored.`);
    return [];
  }
  const out: T[] = [];
  const bad: string[] = [];
  for (const part of text.split('*')) {
    const v = item(part);
    if (v === null) bad.push(part);
    else if (!out.some((o) => same(o, v))) out.push(v);
  }
  if (bad.length) problems.push(`${key}: ${bad.length === 1 ? 'item' : `${bad.length} items, first`} ${quote(bad[0])} could not be read; ignored.`);
  if (out.length > MAX_INTERVENTIONS) problems.push(`${key}: only the first ${MAX_INTERVENTIONS} of ${out.length} items are kept.`);
  return out.slice(0, MAX_INTERVENTIONS);
}

function featureAblation(s: string): FeatureAblation | null {
  const m = /^([cp])(\d{1,3})\.(\d{1,4})$/.exec(s);
  return m ? { kind: m[1] === 'c' ? 'clt' : 'plt', layer: Number(m[2]), feature: Number(m[3]) } : null;
}

function neuronAblation(s: string): Ablation | null {
  const m = /^(\d{1,3})\.(\d{1,5})$/.exec(s);
  return m ? { layer: Number(m[1]), neuron: Number(m[2]) } : null;
}

/** The interventions a hash's keys describe, and what could not be read. */
export function parseInterventions(params: URLSearchParams): { value: SavedInterventions; problems: string[] } {
  const problems: string[] = [];
  const featureAblations = readItems('fa', params.get('fa'), featureAblation, (a, b) => a.kind === b.kind && a.layer === b.layer && a.feature === b.feature, problems);
  const pairsOff = readItems('off', params.get('off'), index, (a, b) => a === b, problems);
  const neuronAblations = readItems('na', params.get('na'), neuronAblation, (a, b) => a.layer === b.layer && a.neuron === b.neuron, problems);
  return { value: { featureAblations, pairsOff, neuronAblations }, problems };
}

/** How many items `fitted` dropped from `all`, as a problem line, or null. */
export function droppedProblem(all: SavedInterventions, fitted: SavedInterventions): string | null {
  const dropped = all.featureAblations.length - fitted.featureAblations.length + all.pairsOff.length - fitted.pairsOff.length
    + all.neuronAblations.length - fitted.neuronAblations.length;
  return dropped > 0 ? `${dropped} intervention${dropped === 1 ? '' : 's'} in the link name a layer, feature, block or neuron this model does not have; ignored.` : null;
}

/** The interventions that fit `model` under `config` (its CLT's decoder blocks included). */
export function fitToModel(iv: SavedInterventions, model: BaseModel, config: ExperimentConfig): SavedInterventions {
  return fitInterventions(iv, model, config, transcoderLayout('clt', model, config).pairs.length);
}

/** Whether the interventions differ between two states of the store (each list is replaced on change). */
export function interventionsChanged(a: SavedInterventions, b: SavedInterventions): boolean {
  return a.featureAblations !== b.featureAblations || a.pairsOff !== b.pairsOff || a.neuronAblations !== b.neuronAblations;
}

/** The saved interventions that fit the model and config now shown; the rest are dropped. */
export function fitInterventions(
  iv: SavedInterventions, model: { layers: readonly { hidden: number }[] }, config: Pick<ExperimentConfig, 'features' | 'window'>, pairs: number,
): SavedInterventions {
  const L = model.layers.length;
  return {
    featureAblations: iv.featureAblations.filter((a) => a.layer < L && a.feature < config.features),
    pairsOff: iv.pairsOff.filter((q) => q < pairs),
    neuronAblations: iv.neuronAblations.filter((a) => a.layer < L && a.neuron < model.layers[a.layer].hidden),
  };
}
