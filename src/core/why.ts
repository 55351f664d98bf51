/**
 * "Why does it collapse?" (issue 14, SPEC §2 recipe presets): starting from the write-up
 * preset, one ingredient switched back at a time, each trained over a few seeds; per row the
 * CLT's layer-1 L0, its alive features and its effect recall under the hand-off cut, and one
 * sentence computed from the numbers. Pure: the page's Why panel and its tests use it.
 */
import { presetValues, type TrainConfig } from './config.ts';
import type { BaseModel } from './model/baseModel.ts';
import { interventionReport } from './metrics/interventionReport.ts';
import type { Stats } from './metrics/replacement.ts';
import type { TrainedTranscoder } from './transcoder/apply.ts';

export type WhyRowId = 'write-up' | 'spec' | 'pad' | 'layout' | 'penalty' | 'ramp' | 'decay';

export interface WhyRowSpec {
  id: WhyRowId;
  /** What the row is, as the table shows it. */
  label: string;
  /** For the switched-back rows: the ingredient's short name in the finding. */
  ingredient?: string;
  config: Omit<TrainConfig, 'seed'>;
}

/** The rows: the two presets on top, then the write-up with one ingredient switched back. */
export function whyRows(): WhyRowSpec[] {
  const w = presetValues('write-up');
  const s = presetValues('spec');
  const back = (id: WhyRowId, label: string, ingredient: string, change: Partial<TrainConfig>): WhyRowSpec => ({
    id, label, ingredient, config: { ...w, ...change },
  });
  return [
    { id: 'write-up', label: 'write-up preset', config: w },
    { id: 'spec', label: 'spec preset', config: s },
    back('pad', `padded mean → mean over the model's dims (padDims ${w.padDims} → 0)`, 'the padded mean', { padDims: 0 }),
    back('layout', 'layout as-trained → as-described', 'the as-trained layout', { layout: 'as-described' }),
    back('penalty', 'penalty tanh → l1', 'the tanh penalty', { penalty: 'l1' }),
    back('ramp', `λ ramp over the whole run → over the first ${s.warmup * 100} %`, 'the λ ramp', { warmup: s.warmup }),
    back('decay', `lr decay ×${w.lrDecayFactor} at step ${w.lrDecayStep} → none`, 'the lr decay', { lrDecayStep: 0 }),
  ];
}

/** Dims that MLPs before `layer` write: the hand-off a cut into `layer` removes (e..h into layer 1 for the XOR-AND model). */
export function handoffDims(model: BaseModel, layer = 1): number[] {
  const D = model.dims;
  const dims: number[] = [];
  for (let d = 0; d < D; d++) {
    const writes = model.layers.slice(0, layer).some((mlp) => {
      for (let j = 0; j < mlp.hidden; j++) if (mlp.wOut[j * D + d] !== 0) return true;
      return false;
    });
    if (writes) dims.push(d);
  }
  return dims;
}

/** The e..h cut into layer 1 (every hand-off dim): the changed set and how many the CLT follows (SPEC §4, the interventions view's own report). */
export function handoffCutEffect(tc: TrainedTranscoder, stats: Stats, model: BaseModel): { changed: number; followed: number } {
  const { effect } = interventionReport(model, stats, [{ tc }], [{ dims: handoffDims(model, 1), layer: 1 }]).members[0];
  return { changed: effect.changed, followed: effect.followed };
}

/** One trained CLT of a row: what the table needs. */
export interface WhyRun {
  l0: number[];
  alive: number[];
  accuracy: number;
  handoff?: { changed: number; followed: number };
}

export interface WhySummary {
  id: WhyRowId;
  seeds: number;
  /** Mean CLT layer-1 L0 and alive features per layer, over seeds. */
  l0Layer1: number;
  alive: number[];
  /** Seeds whose CLT skips layer 1: L0 ≤ 0.1 and no alive layer-1 feature. */
  collapsed: number;
  /** Σ followed / Σ changed over seeds, null when no input changed. */
  effectRecall: number | null;
}

/** Mean over seeds of a row's runs. */
export function summarize(id: WhyRowId, runs: readonly WhyRun[]): WhySummary {
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const layers = runs[0]?.l0.length ?? 2;
  const changed = runs.reduce((s, r) => s + (r.handoff?.changed ?? 0), 0);
  const followed = runs.reduce((s, r) => s + (r.handoff?.followed ?? 0), 0);
  return {
    id,
    seeds: runs.length,
    l0Layer1: mean(runs.map((r) => r.l0[1] ?? 0)),
    alive: Array.from({ length: layers }, (_, l) => mean(runs.map((r) => r.alive[l] ?? 0))),
    collapsed: runs.filter(isCollapsed).length,
    effectRecall: changed > 0 ? followed / changed : null,
  };
}

/** The CLT skips layer 1: L0 ≤ 0.1 with no alive layer-1 feature (the issue's Must-show cut). */
export function isCollapsed(run: Pick<WhyRun, 'l0' | 'alive'>): boolean {
  return (run.l0[1] ?? 0) <= 0.1 && (run.alive[1] ?? 0) === 0;
}

const share = (s: WhySummary) => s.collapsed / Math.max(1, s.seeds);
const fmt2 = (v: number) => v.toFixed(2);

/**
 * The finding in one plain sentence, from the numbers: which switched-back ingredients stop a
 * collapse the write-up row shows (a majority of seeds collapsed there, a minority here).
 */
export function finding(rows: readonly WhySpecSummary[]): string {
  const top = rows.find((r) => r.spec.id === 'write-up');
  if (!top) return '';
  const w = top.summary;
  if (share(w) <= 0.5) {
    return `Under these settings the write-up recipe's CLT collapses in only ${w.collapsed} of ${w.seeds} seed${w.seeds === 1 ? '' : 's'} (layer-1 L0 ${fmt2(w.l0Layer1)}), so no ingredient can be seen to cause it here.`;
  }
  const ingredients = rows.filter((r) => r.spec.ingredient);
  const deciding = ingredients.filter((r) => share(r.summary) < 0.5);
  const head = `The write-up recipe's CLT skips layer 1 in ${w.collapsed} of ${w.seeds} seed${w.seeds === 1 ? '' : 's'} (layer-1 L0 ${fmt2(w.l0Layer1)})`;
  if (deciding.length === 0) return `${head}, and switching back any one ingredient leaves it collapsed in most seeds.`;
  const named = deciding.map((r) => `${r.spec.ingredient} (layer-1 L0 ${fmt2(r.summary.l0Layer1)}, collapsed in ${r.summary.collapsed} of ${r.summary.seeds})`);
  const rest = ingredients.length - deciding.length;
  return `${head}; switching back only ${named.join(' or only ')} stops it, while ${rest === 0 ? 'no other ingredient does' : `the other ${rest} ingredient${rest === 1 ? '' : 's'} leave${rest === 1 ? 's' : ''} it collapsed`}.`;
}

export interface WhySpecSummary {
  spec: WhyRowSpec;
  summary: WhySummary;
}
