/** The write-up's Table 1 at the shown step: one column per transcoder kind, one row per metric and layer. */
import type { TranscoderKind } from '../core/config.ts';
import { standardHandOffs } from '../core/metrics/effects.ts';
import type { TranscoderSnapshot } from '../core/snapshot.ts';
import { useStore } from '../state/store.ts';
import type { ViewProps } from './types.ts';
import { useShownSnapshot } from './useSnapshotDrawer.ts';
import { WarningIcon } from './icons.tsx';
import './views.css';

const KINDS: readonly TranscoderKind[] = ['clt', 'plt'];
const COLUMN: Record<TranscoderKind, string> = { clt: 'JumpReLU CLT', plt: 'JumpReLU PLT' };

/** One table row: its label, the test-id suffix, how to read and how to show the value. */
interface Row {
  label: string;
  id: string;
  read: (m: TranscoderSnapshot) => number | undefined;
  format: (v: number) => string;
  /** Layer of a per-layer row, else null. */
  layer: number | null;
  metric: string;
  hint: string;
}

const percent = (v: number): string => `${Number((v * 100).toFixed(1))}%`;
const twoDecimals = (v: number): string => v.toFixed(2);
const fourSignificant = (v: number): string => (Number.isFinite(v) ? v.toPrecision(4) : String(v));
const integer = (v: number): string => String(Math.round(v));

/** The faithfulness row's tooltip: exactly what the score measures (SPEC §4). */
export function faithfulnessHint(handOffs: readonly string[]): string {
  const set = handOffs.length > 0 ? ` (${handOffs.join(', ')})` : '';
  return (
    `mean effect IIA over the standard hand-off patches${set}: for each hand-off, of the (target, source) input pairs ` +
    "where taking its dims from the source input changes the real model's answer, the share where the replacement's " +
    'answer changes to the same new answer (each model patched from its own clean run)'
  );
}

/**
 * The rows of Table 1 for a model with `layers` layers. With `padded` (a padded width, SPEC §2
 * write-up), the MSE is shown both ways, labelled: over the model's dims, and over padDims
 * dims as Table 1 reports it (the padding adds no error, so ×dims/padDims).
 */
export function metricRows(layers: number, handOffs: readonly string[] = [], padded?: { dims: number; padDims: number }): Row[] {
  const perLayer = (metric: 'l0' | 'mse' | 'alive', name: string, format: (v: number) => string, hint: string): Row[] =>
    Array.from({ length: layers }, (_, l) => ({
      label: `${name} (layer ${l})`,
      id: `${metric}-${l}`,
      read: (m: TranscoderSnapshot) => m.metrics[metric][l],
      format,
      layer: l,
      metric,
      hint,
    }));
  return [
    { label: 'Replacement accuracy', id: 'accuracy', read: (m) => m.metrics.accuracy, format: percent, layer: null, metric: 'accuracy',
      hint: 'share of inputs where the chained replacement model gives the true output class' },
    ...perLayer('l0', 'L0', twoDecimals, 'mean number of active features per input'),
    ...(padded
      ? [
        ...perLayer('mse', `MSE over the model's ${padded.dims} dims`, fourSignificant, `mean squared reconstruction error per dim over the model's ${padded.dims} dims, standardized units`),
        ...Array.from({ length: layers }, (_, l): Row => ({
          label: `MSE over ${padded.padDims} padded dims (layer ${l})`, id: `mse-padded-${l}`,
          read: (m) => (m.metrics.mse[l] * padded.dims) / padded.padDims, format: fourSignificant, layer: l, metric: 'msePadded',
          hint: `the same error as a mean over ${padded.padDims} dims, most of them zero padding: the write-up's Table 1 MSE`,
        })),
      ]
      : perLayer('mse', 'MSE', fourSignificant, 'mean squared reconstruction error per dim, standardized units')),
    ...perLayer('alive', 'Alive', integer, 'features active on at least one input'),
    { label: 'Faithfulness (mean effect IIA)', id: 'faithfulness', read: (m) => m.metrics.faithfulness, format: percent, layer: null, metric: 'faithfulness',
      hint: faithfulnessHint(handOffs) },
    { label: 'Loss', id: 'loss', read: (m) => m.loss.loss, format: fourSignificant, layer: null, metric: 'loss',
      hint: 'total training loss at this step: reconstruction + λ·sparsity + pre-activation' },
  ];
}

/** Table 1 at the shown step; the CLT's empty later layers are flagged. */
export function MetricsTable({ model }: ViewProps) {
  // Updated out of sight too: the page (and the tour, and tests) read its numbers wherever it is scrolled.
  const { snapshot } = useShownSnapshot();
  const padDims = useStore((s) => s.config.padDims);
  if (snapshot === null) {
    return (
      <section className="view view-metrics" data-testid="view-metrics">
        <h2>Metrics</h2>
        <p className="view-waiting">waiting for the first snapshot</p>
      </section>
    );
  }
  const members = KINDS.map((kind) => ({ kind, m: snapshot.members.find((s) => s.kind === kind) }));
  const rows = metricRows(model.layers.length, standardHandOffs(model).map((h) => h.name), padDims > 0 ? { dims: model.dims, padDims } : undefined);
  return (
    <section className="view view-metrics" data-testid="view-metrics">
      <h2>Metrics at step {snapshot.step}</h2>
      <table className="metrics-table">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {members.map(({ kind }) => <th key={kind} scope="col">{COLUMN[kind]}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row" title={row.hint}>{row.label}</th>
              {members.map(({ kind, m }) => {
                const v = m ? row.read(m) : undefined;
                if (v === undefined) return <td key={kind} className="metric-missing">—</td>;
                // Step 0's loss is not measured yet (a training step computes it).
                if (!Number.isFinite(v)) {
                  return <td key={kind} className="metric-missing" data-testid={`metric-${kind}-${row.id}`} data-value="" title={`${row.hint}: ${row.metric === 'faithfulness' ? 'undefined, no hand-off patch changes the real model' : 'not measured yet'}`}>—</td>;
                }
                const skipped = kind === 'clt' && row.metric === 'l0' && row.layer !== null && row.layer > 0 && v === 0;
                return (
                  <td
                    key={kind}
                    className={skipped ? 'metric-value metric-warning' : 'metric-value'}
                    data-testid={`metric-${kind}-${row.id}`}
                    data-value={String(v)}
                    title={skipped ? `no layer-${row.layer} features: the CLT skips this layer` : `${row.hint}: ${String(v)}`}
                  >
                    {row.format(v)}
                    {skipped && <span className="metric-flag" aria-hidden="true"> <WarningIcon /></span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
