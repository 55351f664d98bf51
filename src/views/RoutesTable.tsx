/**
 * The honest comparison of the three graphs at one input: through which layer the output's
 * attribution reaches it (core/attribution/graph.ts `outputRoutes`), the real model beside the
 * CLT and the PLT. For XOR-AND the real model's output on a TRUE input comes all through layer 1.
 */
import type { AttributionGraph } from '../core/attribution/graph.ts';
import { outputRoutes, type OutputRoutes } from '../core/attribution/graph.ts';

export interface RoutesColumn {
  /** `real`, `clt` or `plt`: the test-id part. */
  key: string;
  name: string;
  graph: AttributionGraph;
  /** `outputRoutes(graph)` where it was already computed (the graph worker); else computed here. */
  routes?: OutputRoutes;
}

const pct = (v: number): string => `${(100 * v).toFixed(0)} %`;

/** What one cell means, for its tooltip. */
export const ROUTE_DEFINITION =
  "Σ |weight| of the edges into the output from this row's nodes ÷ Σ |weight| of every edge into the output. " +
  'Each edge into the output is a direct effect, so its source is the last node that part of the output passes through: ' +
  "a layer's row is the share of the output written by that layer's features (the real model: its neurons); " +
  'inputs are carried straight to the output by the residual stream; error nodes are what a replacement misses. A column sums to 100 %.';

export function RoutesTable({ columns, layers }: { columns: readonly RoutesColumn[]; layers: number }) {
  const routes = columns.map((c) => ({ ...c, r: c.routes ?? outputRoutes(c.graph) }));
  const rows: { id: string; name: string; of: (r: ReturnType<typeof outputRoutes>) => number; skip?: boolean }[] = [
    ...Array.from({ length: layers }, (_, l) => ({ id: String(l), name: `through layer ${l}`, of: (r: ReturnType<typeof outputRoutes>) => r.layer[l] })),
    { id: 'inputs', name: 'straight from the inputs', of: (r) => r.inputs },
    { id: 'errors', name: 'from error nodes', of: (r) => r.errors },
  ];
  return (
    <div className="routes" data-testid="layer-routes">
      <h3>Through which layer does the output&apos;s attribution reach it? (input {columns[0]?.graph.input})</h3>
      <table className="routes-table">
        <thead>
          <tr>
            <th scope="col">share of the output&apos;s attribution</th>
            {routes.map((c) => (
              <th key={c.key} scope="col" className={`routes-${c.key}`}>
                {c.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row" title={ROUTE_DEFINITION}>
                {row.name}
              </th>
              {routes.map((c) => {
                const empty = c.r.total === 0;
                const v = row.of(c.r);
                return (
                  <td
                    key={c.key}
                    data-testid={`route-${c.key}-${row.id}`}
                    data-value={empty ? '' : v}
                    title={`${c.name}, ${row.name}: ${empty ? 'nothing reaches the output on this input' : pct(v)}. ${ROUTE_DEFINITION}`}
                  >
                    {empty ? '—' : pct(v)}
                    {!empty && <span className="routes-bar" style={{ width: `${Math.round(48 * v)}px` }} aria-hidden="true" />}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        Each cell: Σ |weight| of the edges into the output from that row&apos;s nodes, as a share of all edges into the
        output, in the whole graph (the pruning slider does not change it; hover a cell for the full definition). &quot;—&quot;: nothing reaches the output on this input. The real
        model&apos;s column is the ground truth; a replacement whose column differs tells a different story of where the
        answer is computed.
      </p>
    </div>
  );
}
