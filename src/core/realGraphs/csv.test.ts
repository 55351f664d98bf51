/** The chart's CSV: every value a line, layers as shares of depth, file names made safe. */
import { describe, expect, it } from 'vitest';
import { csvField, depthCsv, depthShare } from './csv.ts';
import { summarizeGraphText } from './summary.ts';
import { text, tiny } from './tinyGraphs.ts';

describe('the chart as CSV', () => {
  it('writes every value a line, with layers as shares of depth', () => {
    const r = summarizeGraphText(text(tiny()), 'odd, "name".json');
    if (!r.ok) throw new Error(r.message);
    const csv = depthCsv([{ summary: r.value, kind: 'clt' }], [{ kind: 'plt', share: [0.25, 0.75], cumulative: [0.25, 1] }]);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('series,file,kind,measure,layer,share_of_depth,value');
    expect(lines).toContain('graph 1,"odd, ""name"".json",clt,circuit_cumulative,0,0,0.4');
    expect(lines).toContain('graph 1,"odd, ""name"".json",clt,feature_nodes,1,1,1');
    expect(lines).toContain(`graph 1,"odd, ""name"".json",clt,mean_path_length,,,${17 / 8}`);
    expect(lines).toContain('toy PLT,,plt,toy_attribution_cumulative,1,1,1');
    // 5 measures × 2 layers + the mean path length, then 2 × 2 toy values.
    expect(lines).toHaveLength(1 + 11 + 4);
  });

  it('defuses spreadsheet formulas in file names', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('plain.json')).toBe('plain.json');
  });

  it('puts layer l of L at l / (L − 1)', () => {
    expect([depthShare(0, 26), depthShare(1, 26), depthShare(25, 26), depthShare(1, 2), depthShare(0, 1)]).toEqual([0, 1 / 25, 1, 1, 0]);
  });
});
