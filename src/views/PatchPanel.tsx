/**
 * Interchange patches (SPEC §4): pick a hand-off and a source input (or all sources); each
 * replacement's N × N grid (target × source) shows where the real model's answer changes
 * and whether the replacement follows it. Each model patches from its own clean run.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { standardHandOffs, type HandOff } from '../core/metrics/effects.ts';
import { patchReport, type PatchReport } from '../core/metrics/interventionReport.ts';
import { inputLabel, type BaseModel } from '../core/model/baseModel.ts';
import { MAX_PAIRS, type RunSnapshot } from '../core/snapshot.ts';
import type { TrainingData } from '../core/transcoder/data.ts';
import type { Layout } from '../core/transcoder/layout.ts';
import { hideTooltip, showTooltip, showTooltipAt } from './charts/tooltip.ts';
import { recallText } from './interventionText.ts';

const CELL = 13;
const PAD = { left: 30, top: 8, right: 4, bottom: 30 };
const STATES = [
  { id: 'followed', color: '#15803d', label: 'real model changes; replacement follows' },
  { id: 'missed', color: '#dc2626', label: 'real model changes; replacement does not follow' },
  { id: 'alone', color: '#f59e0b', label: 'real model keeps its answer; replacement changes' },
  { id: 'same', color: '#e5e7eb', label: 'neither changes' },
] as const;
type CellState = (typeof STATES)[number]['id'];

function cellState(r: PatchReport, k: number, p: number): CellState {
  const m = r.members[k];
  if (r.base.classes[p] !== r.base.clean[p]) return m.followedRows[p] ? 'followed' : 'missed';
  return m.agreesRows[p] ? 'same' : 'alone';
}

const tf = (c: boolean) => (c ? 'T' : 'F');

interface Props {
  model: BaseModel;
  data: TrainingData;
  layouts: Layout[];
  snapshot: RunSnapshot | null;
}

export function PatchPanel({ model, data, layouts, snapshot }: Props) {
  const handOffs = useMemo(() => standardHandOffs(model), [model]);
  const [open, setOpen] = useState(false);
  const [which, setWhich] = useState(handOffs.length - 1);
  const [source, setSource] = useState<number | null>(null);
  // The interventions view passes the lane's snapshot at most every 500 ms while training.
  const shown = snapshot;
  const h: HandOff | undefined = handOffs[Math.min(which, handOffs.length - 1)];
  // N × N pairs per hand-off: above the worker's pair bound (more than 8 inputs) the page does not patch them either.
  const tooBig = model.n * model.n > MAX_PAIRS;
  const report = useMemo(() => {
    if (!open || !shown || !h || tooBig) return null;
    return patchReport(model, data, shown.members.map((m, k) => ({ layout: layouts[k], params: m.params })), h);
  }, [open, shown, h, model, data, layouts, tooBig]);
  const N = model.n;

  return (
    <div className="patch-panel">
      <button data-testid="patch-open" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'} interchange patch: who follows the real model when a hand-off takes its value from another input?
      </button>
      {open && handOffs.length === 0 && <p className="hint">This model has no hand-off between layers to patch.</p>}
      {open && h && tooBig && (
        <p className="hint" data-testid="patch-not-computed">
          The interchange-patch grid is not computed for this model.{' '}
          {shown?.members.find((m) => m.unmeasured)?.unmeasured ??
            `Each hand-off's patch spans ${(model.n * model.n).toLocaleString('en-US')} (target, source) pairs of its ${model.n.toLocaleString('en-US')} inputs; the page patches at most ${MAX_PAIRS.toLocaleString('en-US')} (8 inputs).`}
        </p>
      )}
      {open && h && !tooBig && (
        <>
          <p className="hint">
            Dims {h.dims.map((d) => model.dimNames[d]).join(', ')} in what layer {h.layer} reads take their value on a source input;
            each model patches from its own clean run (the real model from the real model, a replacement from its own chained run).
            Applied alone: the cuts and ablations above are not in force here.
          </p>
          <div className="patch-picker">
            <label>
              hand-off{' '}
              <select data-testid="patch-handoff" value={which} onChange={(e) => setWhich(Number(e.target.value))}>
                {handOffs.map((x, i) => (
                  <option key={x.name} value={i}>
                    {x.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              source input{' '}
              <select data-testid="patch-source" value={source ?? 'all'} onChange={(e) => setSource(e.target.value === 'all' ? null : Number(e.target.value))}>
                <option value="all">all sources</option>
                {Array.from({ length: N }, (_, m) => (
                  <option key={m} value={m}>
                    {m}: {inputLabel(model, m)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {!report ? (
            <p className="empty">waiting for the first snapshot</p>
          ) : (
            <PatchResult model={model} report={report} source={source} kinds={shown ? shown.members.map((m) => m.kind) : []} />
          )}
        </>
      )}
    </div>
  );
}

function PatchResult({ model, report, source, kinds }: { model: BaseModel; report: PatchReport; source: number | null; kinds: string[] }) {
  const N = model.n;
  const pairs = source === null ? Array.from({ length: N * N }, (_, p) => p) : Array.from({ length: N }, (_, n) => n * N + source);
  const changed = pairs.filter((p) => report.base.classes[p] !== report.base.clean[p]).length;
  return (
    <>
      <p className="patch-summary">
        Patch {report.handOff.name}, {source === null ? `all ${N} sources` : `source ${source} (${inputLabel(model, source)})`}: the real model
        changes on{' '}
        <b data-testid="patch-changed" data-value={changed}>
          {changed}
        </b>{' '}
        of {pairs.length} pairs
        {kinds.map((kind, k) => {
          const m = report.members[k];
          const followed = pairs.filter((p) => m.followedRows[p]).length;
          const agreed = pairs.filter((p) => m.agreesRows[p]).length;
          return (
            <span key={kind} className={`iv-${kind}`}>
              ; {kind.toUpperCase()} follows{' '}
              <b data-testid={`patch-followed-${kind}`} data-value={followed}>
                {followed}
              </b>{' '}
              (effect IIA{' '}
              <span data-testid={`patch-effect-${kind}`} data-value={changed > 0 ? followed / changed : ''}>
                {recallText(followed, changed)}
              </span>
              , IIA{' '}
              <span data-testid={`patch-iia-${kind}`} data-value={agreed / pairs.length}>
                {Math.round((100 * agreed) / pairs.length)}%
              </span>
              )
            </span>
          );
        })}
      </p>
      <div className="patch-grids" data-testid="patch-grid">
        {kinds.map((kind, k) => (
          <PatchGrid key={kind} model={model} report={report} k={k} kind={kind} source={source} />
        ))}
      </div>
      <ul className="patch-legend" aria-label="legend">
        {STATES.map((s) => (
          <li key={s.id}>
            <svg width="12" height="12" aria-hidden="true">
              <rect width="12" height="12" fill={s.color} />
            </svg>{' '}
            {s.label}
          </li>
        ))}
      </ul>
    </>
  );
}

function PatchGrid({ model, report, k, kind, source }: { model: BaseModel; report: PatchReport; k: number; kind: string; source: number | null }) {
  const N = model.n;
  const [cursor, setCursor] = useState<{ n: number; m: number }>({ n: 0, m: source ?? 0 });
  const cursorRef = useRef<SVGRectElement>(null);
  const width = PAD.left + N * CELL + PAD.right;
  const height = PAD.top + N * CELL + PAD.bottom;
  const color = (st: CellState) => STATES.find((s) => s.id === st)!.color;
  const lines = (n: number, m: number): string[] => {
    const p = n * N + m;
    const mem = report.members[k];
    const st = cellState(report, k, p);
    const verdict = { followed: 'follows', missed: 'does not follow', alone: 'changes alone', same: 'agrees, nothing changes' }[st];
    return [
      `target ${n} (${inputLabel(model, n)}) ← ${report.handOff.name} from source ${m} (${inputLabel(model, m)})`,
      `real model: ${tf(report.base.clean[p])} → ${tf(report.base.classes[p])}`,
      `${kind.toUpperCase()}: → ${tf(mem.classes[p])}, ${model.dimNames[model.outputDim]} = ${Number(mem.output[p].toPrecision(3))} (${verdict})`,
    ];
  };
  const onKey = (e: KeyboardEvent<SVGSVGElement>) => {
    const d = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[e.key];
    if (!d) return;
    e.preventDefault();
    const next = { n: Math.max(0, Math.min(N - 1, cursor.n + d[0])), m: Math.max(0, Math.min(N - 1, cursor.m + d[1])) };
    setCursor(next);
  };
  useEffect(() => {
    if (cursorRef.current && document.activeElement === cursorRef.current.ownerSVGElement) showTooltipAt(cursorRef.current, lines(cursor.n, cursor.m));
  }, [cursor]);
  const cells = [];
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < N; m++) {
      const st = cellState(report, k, n * N + m);
      cells.push(
        <rect
          key={n * N + m}
          x={PAD.left + m * CELL}
          y={PAD.top + n * CELL}
          width={CELL - 1}
          height={CELL - 1}
          fill={color(st)}
          opacity={source === null || source === m ? 1 : 0.25}
          data-state={st}
          onMouseMove={(e) => showTooltip(e.clientX, e.clientY, lines(n, m))}
          onMouseLeave={hideTooltip}
        />,
      );
    }
  }
  const ticks = [0, 5, 10, 15].filter((t) => t < N);
  return (
    <figure className="patch-grid">
      <figcaption className={`iv-${kind}`}>
        <b>{kind.toUpperCase()}</b>
      </figcaption>
      <svg
        width={width}
        height={height}
        tabIndex={0}
        role="img"
        data-testid={`patch-grid-${kind}`}
        aria-label={`${kind.toUpperCase()} under the ${report.handOff.name} patch: rows target input, columns source input; arrow keys read a cell`}
        onKeyDown={onKey}
        onFocus={() => cursorRef.current && showTooltipAt(cursorRef.current, lines(cursor.n, cursor.m))}
        onBlur={hideTooltip}
      >
        {cells}
        <rect
          ref={cursorRef}
          className="patch-cursor"
          x={PAD.left + cursor.m * CELL - 1}
          y={PAD.top + cursor.n * CELL - 1}
          width={CELL + 1}
          height={CELL + 1}
          fill="none"
        />
        {ticks.map((t) => (
          <g key={t} className="tick">
            <text x={PAD.left - 4} y={PAD.top + t * CELL + CELL - 3} textAnchor="end">
              {t}
            </text>
            <text x={PAD.left + t * CELL + CELL / 2} y={PAD.top + N * CELL + 11} textAnchor="middle">
              {t}
            </text>
          </g>
        ))}
        <text className="axis" x={PAD.left + (N * CELL) / 2} y={height - 4} textAnchor="middle">
          source input
        </text>
        <text className="axis" transform={`translate(9 ${PAD.top + (N * CELL) / 2}) rotate(-90)`} textAnchor="middle">
          target input
        </text>
      </svg>
    </figure>
  );
}
