/**
 * The real-model graphs chart as CSV, one value a line: which series, which measure, which
 * layer (and its share of depth), the value. Numbers as JavaScript prints them (exact round trip).
 */
import type { GuessedKind } from './kind.ts';
import type { RealGraphSummary } from './summary.ts';

/** A graph as the panel shows it: its summary and the kind the user set (null: not set). */
export interface ShownGraph {
  summary: RealGraphSummary;
  kind: GuessedKind | null;
}

/** The toy's depth signature of one member (SPEC §5): share of |attribution| into the output per layer. */
export interface ToySignature {
  kind: GuessedKind;
  share: readonly number[];
  cumulative: readonly number[];
}

/** A field as CSV: quoted when it holds a comma, quote or line break; a leading = + − @ is defused for spreadsheets. */
export function csvField(v: string): string {
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Layer l of `layers` as a share of depth, l / (layers − 1) (0 for a one-layer model). */
export function depthShare(l: number, layers: number): number {
  return layers > 1 ? l / (layers - 1) : 0;
}

export const CSV_HEADER = ['series', 'file', 'kind', 'measure', 'layer', 'share_of_depth', 'value'];

/** Every value the chart draws, graphs first, then the toy's members. */
export function depthCsv(graphs: readonly ShownGraph[], toy: readonly ToySignature[]): string {
  const lines = [CSV_HEADER.join(',')];
  const row = (series: string, file: string, kind: string, measure: string, layer: number | null, layers: number, value: number | null) =>
    lines.push([series, csvField(file), kind, measure, layer === null ? '' : String(layer), layer === null ? '' : String(depthShare(layer, layers)), value === null ? '' : String(value)].join(','));
  graphs.forEach(({ summary: s, kind }, k) => {
    const series = `graph ${k + 1}`;
    const kindText = kind ?? '';
    const perLayer: [string, readonly number[]][] = [
      ['circuit_share', s.circuit.share],
      ['circuit_cumulative', s.circuit.cumulative],
      ['direct_share', s.direct.share],
      ['direct_cumulative', s.direct.cumulative],
      ['feature_nodes', s.features],
    ];
    for (const [measure, values] of perLayer) values.forEach((v, l) => row(series, s.file, kindText, measure, l, s.layers, v));
    row(series, s.file, kindText, 'mean_path_length', null, s.layers, s.meanPathLength);
  });
  for (const t of toy) {
    const series = `toy ${t.kind.toUpperCase()}`;
    t.share.forEach((v, l) => row(series, '', t.kind, 'toy_attribution_share', l, t.share.length, v));
    t.cumulative.forEach((v, l) => row(series, '', t.kind, 'toy_attribution_cumulative', l, t.cumulative.length, v));
  }
  return lines.join('\n') + '\n';
}
