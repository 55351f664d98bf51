/**
 * The interventions view's sentences: what was applied to whom, who follows, what woke.
 * Pure functions so the wording is pinned by tests (and shared with the tour).
 */
import type { Cut } from '../core/config.ts';
import { ablatedDims, type Ablation, type BaseModel } from '../core/model/baseModel.ts';
import type { Layout } from '../core/transcoder/layout.ts';
import type { FeatureAblation } from '../state/store.ts';

/** One line of "what was applied to whom". */
export interface AppliedLine {
  key: string;
  what: string;
  /** The models intervened, e.g. "real model, CLT, PLT". */
  to: string;
  /** How, per model, where it differs by model. */
  how?: string;
}

function dimList(model: BaseModel, dims: readonly number[]): string {
  return dims.map((d) => model.dimNames[d] ?? `[${d}]`).join(', ');
}

/** Every intervention in force, with the models it is applied to (SPEC §4: cuts and neuron ablations reach all three). */
export function appliedLines(
  model: BaseModel,
  cuts: readonly Cut[],
  neurons: readonly Ablation[],
  pairsOff: readonly number[],
  cltLayout: Layout | undefined,
  features: readonly FeatureAblation[],
): AppliedLine[] {
  const lines: AppliedLine[] = [];
  for (const c of cuts) {
    lines.push({
      key: `cut-${c.dims.join('.')}-${c.layer}`,
      what: `cut ${dimList(model, c.dims)} out of what layer ${c.layer} reads`,
      to: 'real model, CLT, PLT',
      how: `MLP ${c.layer} and each replacement's layer-${c.layer} encoder read ${dimList(model, c.dims)} as 0`,
    });
  }
  for (const a of neurons) {
    const name = model.layers[a.layer]?.neuronNames[a.neuron] ?? `#${a.neuron}`;
    const dims = dimList(model, ablatedDims(model, a));
    lines.push({
      key: `neuron-${a.layer}-${a.neuron}`,
      what: `neuron ${name} of MLP ${a.layer} ablated`,
      to: 'real model, CLT, PLT',
      how: `real model: MLP ${a.layer}'s output in ${dims} is 0; CLT and PLT: the layer-${a.layer} reconstruction in ${dims} is 0, whatever features wrote it`,
    });
  }
  for (const q of pairsOff) {
    const p = cltLayout?.pairs[q];
    lines.push({
      key: `pair-${q}`,
      what: p ? `CLT decoder L${p.source} → L${p.target} switched off` : `CLT decoder block ${q} switched off`,
      to: 'CLT only',
      how: 'the real model and the PLT have no such block',
    });
  }
  for (const f of features) {
    lines.push({
      key: `feature-${f.kind}-${f.layer}-${f.feature}`,
      what: `${f.kind.toUpperCase()} feature L${f.layer}·f${f.feature} switched off`,
      to: `${f.kind.toUpperCase()} only`,
    });
  }
  return lines;
}

/** "the CLT follows 1 of 4": effect recall as a phrase; "—" when nothing changed (never 100 %). */
export function recallText(followed: number, changed: number): string {
  return changed === 0 ? '—' : `${Math.round((100 * followed) / changed)}%`;
}

/** The woke notice: "1 CLT feature that never fires on clean inputs fires under this intervention". */
export function wokeSentence(count: number, kind: string): string {
  const one = count === 1;
  return `${count} ${kind.toUpperCase()} feature${one ? '' : 's'} that never fire${one ? 's' : ''} on clean inputs fire${one ? 's' : ''} under this intervention`;
}
