/** The Why panel's core: its rows, the local hand-off cut helper on hand-computed cases, and the computed finding. */
import { describe, expect, it } from 'vitest';
import { presetValues } from './config.ts';
import { baseModelTranscoder } from './attribution/groundTruth.ts';
import { xorAndModel } from './model/xorAnd.ts';
import { finding, handoffDims, handoffCutEffect, summarize, whyRows, type WhyRun, type WhySpecSummary } from './why.ts';

const model = xorAndModel();

describe('whyRows', () => {
  it('puts the two presets on top and switches back exactly one write-up ingredient per row', () => {
    const rows = whyRows();
    expect(rows.map((r) => r.id)).toEqual(['write-up', 'spec', 'pad', 'layout', 'penalty', 'ramp', 'decay']);
    const w = presetValues('write-up');
    const changed = (id: string) => {
      const c = rows.find((r) => r.id === id)!.config;
      return (Object.keys(w) as (keyof typeof w)[]).filter((k) => c[k] !== w[k]);
    };
    expect(changed('pad')).toEqual(['padDims']);
    expect(changed('layout')).toEqual(['layout']);
    expect(changed('penalty')).toEqual(['penalty']);
    expect(changed('ramp')).toEqual(['warmup']);
    expect(changed('decay')).toEqual(['lrDecayStep']);
    expect(rows[1].config).toEqual(presetValues('spec'));
  });
});

describe('handoffCutEffect', () => {
  it('the base model as its own transcoder follows all 4 changed inputs under the e..h cut', () => {
    expect(handoffDims(model)).toEqual([4, 5, 6, 7]);
    const { tc, stats } = baseModelTranscoder(model);
    // Cutting e..h from MLP1 sends i to 0: the 4 TRUE inputs change.
    expect(handoffCutEffect(tc, stats, model)).toEqual({ changed: 4, followed: 4 });
  });

  it('a transcoder that writes i from layer 0 alone ignores the cut: 0 followed', () => {
    const { tc, stats } = baseModelTranscoder(model);
    const p = Float64Array.from(tc.params);
    const { layout } = tc;
    // Layer 1's features never fire and its decoder bias writes i = 1: an output that does not
    // depend on what layer 1 reads, as a collapsed CLT's does not, so the cut changes nothing.
    for (let f = 0; f < layout.features; f++) p[layout.logTheta[1] + f] = Math.log(1e9);
    p[layout.bDec[1] + 8] = 1;
    expect(handoffCutEffect({ layout, params: p }, stats, model)).toEqual({ changed: 4, followed: 0 });
  });
});

describe('summarize and finding', () => {
  const run = (l01: number, alive1: number, followed = 0): WhyRun => ({ l0: [1.8, l01], alive: [8, alive1], accuracy: 1, handoff: { changed: 4, followed } });
  const rows = whyRows();
  const with_ = (id: string, runs: WhyRun[]): WhySpecSummary => ({ spec: rows.find((r) => r.id === id)!, summary: summarize(rows.find((r) => r.id === id)!.id, runs) });

  it('counts collapsed seeds, means and Σ followed / Σ changed', () => {
    const s = summarize('write-up', [run(0, 0), run(0.05, 0), run(0.5, 2, 4)]);
    expect(s.collapsed).toBe(2);
    expect(s.l0Layer1).toBeCloseTo(0.55 / 3, 12);
    expect(s.alive).toEqual([8, 2 / 3]);
    expect(s.effectRecall).toBeCloseTo(4 / 12, 12);
  });

  it('names the ingredients whose switch-back stops a collapse, from the numbers', () => {
    const collapsed = [run(0, 0), run(0, 0), run(0, 0)];
    const alive = [run(1.2, 5, 4), run(0.9, 4, 4), run(0, 0)];
    const table = [
      with_('write-up', collapsed), with_('spec', collapsed), with_('pad', alive),
      with_('layout', collapsed), with_('penalty', collapsed), with_('ramp', collapsed), with_('decay', collapsed),
    ];
    expect(finding(table)).toBe(
      "The write-up recipe's CLT skips layer 1 in 3 of 3 seeds (layer-1 L0 0.00); switching back only the padded mean (layer-1 L0 0.70, collapsed in 1 of 3) stops it, while the other 4 ingredients leave it collapsed.",
    );
    const none = table.map((r) => (r.spec.id === 'pad' ? with_('pad', collapsed) : r));
    expect(finding(none)).toMatch(/switching back any one ingredient leaves it collapsed/);
    const noCollapse = table.map((r) => (r.spec.id === 'write-up' ? with_('write-up', alive) : r));
    expect(finding(noCollapse)).toMatch(/collapses in only 1 of 3 seeds/);
  });
});
