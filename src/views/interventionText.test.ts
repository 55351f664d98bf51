/** The interventions view's wording, the metrics table's faithfulness tooltip and the CLI's label, pinned. */
import { describe, expect, it } from 'vitest';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { allowedPairs, makeLayout } from '../core/transcoder/layout.ts';
import { standardHandOffs } from '../core/metrics/effects.ts';
import { formatTable } from '../../scripts/reproduceRuns.ts';
import { appliedLines, recallText, wokeSentence } from './interventionText.ts';
import { faithfulnessHint, metricRows } from './MetricsTable.tsx';

const model = xorAndModel();

describe('interventions wording', () => {
  it('woke notice: singular and plural', () => {
    expect(wokeSentence(1, 'clt')).toBe('1 CLT feature that never fires on clean inputs fires under this intervention');
    expect(wokeSentence(3, 'plt')).toBe('3 PLT features that never fire on clean inputs fire under this intervention');
  });

  it('effect recall: "—" for an empty changed set, never 100 %', () => {
    expect(recallText(0, 0)).toBe('—');
    expect(recallText(0, 2)).toBe('0%');
    expect(recallText(2, 2)).toBe('100%');
  });

  it('says what is applied to whom', () => {
    const clt = makeLayout(2, 9, 4, allowedPairs('clt', 2));
    const lines = appliedLines(model, [{ dims: [4], layer: 1 }], [{ layer: 0, neuron: 0 }], [1], clt, [{ kind: 'plt', layer: 1, feature: 3 }]);
    expect(lines.map((l) => `${l.what} — ${l.to}`)).toEqual([
      'cut e out of what layer 1 reads — real model, CLT, PLT',
      'neuron e of MLP 0 ablated — real model, CLT, PLT',
      'CLT decoder L0 → L1 switched off — CLT only',
      'PLT feature L1·f3 switched off — PLT only',
    ]);
    expect(lines[1].how).toBe("real model: MLP 0's output in e is 0; CLT and PLT: the layer-0 reconstruction in e is 0, whatever features wrote it");
  });
});

describe('faithfulness label and tooltip', () => {
  it('say the score is the mean effect IIA over the standard hand-off patches', () => {
    const row = metricRows(2, standardHandOffs(model).map((h) => h.name)).find((r) => r.id === 'faithfulness')!;
    expect(row.label).toBe('Faithfulness (mean effect IIA)');
    expect(row.hint).toBe(faithfulnessHint(['e>1', 'f>1', 'g>1', 'h>1', 'efgh>1']));
    expect(row.hint).toBe(
      "mean effect IIA over the standard hand-off patches (e>1, f>1, g>1, h>1, efgh>1): for each hand-off, of the (target, source) input pairs where taking its dims from the source input changes the real model's answer, the share where the replacement's answer changes to the same new answer (each model patched from its own clean run)",
    );
  });

  it('the CLI table names it the same way', () => {
    const run = { kind: 'clt' as const, seed: 0, l0: [1, 0], alive: [1, 0], mse: [0, 0], accuracy: 1, faithfulness: 0.25, interventions: [], steps: 1, attributionShare: [1, 0], cumulativeShare: [1, 1] };
    expect(formatTable([run], ['clt'], 2)).toContain('Faithfulness (mean effect IIA, hand-off patches)  0.250 ± 0.000');
  });
});
