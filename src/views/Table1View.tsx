/** Table 1 beside our numbers: the write-up's published row next to the shown step's, cell by cell, differences marked. */
import type { TranscoderKind } from '../core/config.ts';
import { TABLE1, matchesPublished, ourValue } from '../core/table1.ts';
import { useStore } from '../state/store.ts';
import type { ViewProps } from './types.ts';
import { REACT_TICK_MS, useShownSnapshot } from './useSnapshotDrawer.ts';
import './views.css';

const KINDS: readonly TranscoderKind[] = ['clt', 'plt'];

export function Table1View({ model }: ViewProps) {
  const preset = useStore((s) => s.config.preset);
  // Updated out of sight too, like the metrics table beside it; its first numbers lay out in a frame of their own.
  const { snapshot } = useShownSnapshot(REACT_TICK_MS, 0, 0, true);
  if (model.layers.length !== 2) return null;
  return (
    <section className="view view-table1" data-testid="view-table1">
      <h2>Table 1 beside this run{snapshot ? ` (step ${snapshot.step})` : ''}</h2>
      <p className="hint">
        The write-up&apos;s published numbers next to this run&apos;s, at the precision it printed; ≠ marks a cell that differs.
        Its MSE is a mean over the 110 dims of its padded residual stream, so ours is shown ×{model.dims}/110.
        {preset !== 'write-up' && ' Choose the write-up preset to train as its authors did.'}
      </p>
      <div className="table1-scroll">
      <table className="metrics-table table1">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {KINDS.map((k) => <th key={`${k}-p`} scope="col">{k.toUpperCase()} published</th>)}
            {KINDS.map((k) => <th key={`${k}-o`} scope="col">{k.toUpperCase()} this run</th>)}
          </tr>
        </thead>
        <tbody>
          {TABLE1.map((cell) => (
            <tr key={cell.metric}>
              <th scope="row">{cell.label}</th>
              {KINDS.map((k) => <td key={`${k}-p`} className="metric-value">{cell.published[k].toFixed(cell.places)}</td>)}
              {KINDS.map((k) => {
                const m = snapshot?.members.find((x) => x.kind === k);
                if (!m) return <td key={`${k}-o`} className="metric-missing">—</td>;
                const v = ourValue(cell.metric, m.metrics, model.dims);
                const same = matchesPublished(cell, v, k);
                return (
                  <td key={`${k}-o`} className={same ? 'metric-value' : 'metric-value metric-differs'} data-testid={`table1-${k}-${cell.metric}`}
                    data-value={String(v)} data-match={same ? 'yes' : 'no'}
                    title={same ? 'matches the published value' : `differs from the published ${cell.published[k].toFixed(cell.places)} by ${(v - cell.published[k]).toFixed(cell.places + 1)}`}>
                    {v.toFixed(cell.places)}{!same && <><span aria-hidden="true"> ≠</span><span className="sr-only"> (differs from the published value)</span></>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </section>
  );
}
