/** The base model as a diagram: residual lanes, MLP neurons with their activations, and cuttable hand-offs. */
import { useEffect, useMemo, type KeyboardEvent } from 'react';
import type { Cut } from '../core/config.ts';
import { forward, inputLabel, outputClasses, type BaseModel } from '../core/model/baseModel.ts';
import { cleanForward } from '../core/run.ts';
import { useStore } from '../state/store.ts';
import { fmt, hideTooltip, showTooltip, showTooltipAt } from './charts/tooltip.ts';
import type { ViewProps } from './types.ts';
import { ScissorsIcon } from './icons.tsx';
import './views.css';

export interface ModelDiagramProps extends ViewProps {
  /** Cuts in force; the diagram and its activations follow them. */
  cuts: Cut[];
  /** Toggles the cut of exactly `dims` out of what `layer` reads. */
  onToggleCut?(dims: number[], layer: number): void;
}

/** A dim written by an earlier MLP and read by a later layer: where a cut can break the circuit. */
export interface HandOff {
  dim: number;
  layer: number;
}

/** Every inter-layer hand-off of the model, by layer then dim. */
export function handOffs(model: BaseModel): HandOff[] {
  const D = model.dims;
  const out: HandOff[] = [];
  const written = new Uint8Array(D);
  model.layers.forEach((layer, l) => {
    for (let d = 0; d < D; d++) {
      if (!written[d]) continue;
      let read = false;
      for (let j = 0; j < layer.hidden; j++) if (layer.wIn[d * layer.hidden + j] !== 0) read = true;
      if (read) out.push({ dim: d, layer: l });
    }
    for (let j = 0; j < layer.hidden; j++) for (let d = 0; d < D; d++) if (layer.wOut[j * D + d] !== 0) written[d] = 1;
  });
  return out;
}

/** The cut button's test id: `cut-DIMNAMES-LAYER`. */
export function cutTestId(model: BaseModel, dims: readonly number[], layer: number): string {
  return `cut-${dims.map((d) => model.dimNames[d]).join('')}-${layer}`;
}

/** Is there a cut of exactly this dim set into this layer? */
function hasCut(cuts: readonly Cut[], dims: readonly number[], layer: number): boolean {
  const want = [...dims].sort((a, b) => a - b).join(',');
  return cuts.some((c) => c.layer === layer && [...c.dims].sort((a, b) => a - b).join(',') === want);
}

const LANE_W = 52;
const LEFT = 74;
const RIGHT = 128;
const TOP = 60;
const BAND = 124;
const NODE_W = 44;
const NODE_H = 32;

/** Pixel geometry of the diagram for a model. */
function geometry(model: BaseModel) {
  const D = model.dims;
  const L = model.layers.length;
  const laneX = (d: number): number => LEFT + d * LANE_W + LANE_W / 2;
  const yNeuron = (l: number): number => TOP + 42 + (L - 1 - l) * BAND;
  const yRead = (l: number): number => yNeuron(l) + 56;
  const yInput = yNeuron(0) + 104;
  // The lane where each dim starts: its writer's row, or the input row.
  const origin = new Float64Array(D).fill(yInput);
  const writer = new Int32Array(D).fill(-1);
  // Each neuron sits on the lane it writes most; neurons sharing a lane sit side by side, centred on it.
  const neuronX: number[][] = model.layers.map((layer) => {
    const lane = Array.from({ length: layer.hidden }, (_, j) => {
      let best = 0;
      for (let d = 1; d < D; d++) if (Math.abs(layer.wOut[j * D + d]) > Math.abs(layer.wOut[j * D + best])) best = d;
      return best;
    });
    const count = new Map<number, number>();
    for (const d of lane) count.set(d, (count.get(d) ?? 0) + 1);
    const used = new Map<number, number>();
    return lane.map((d) => {
      const k = used.get(d) ?? 0;
      used.set(d, k + 1);
      return laneX(d) + (k - ((count.get(d) ?? 1) - 1) / 2) * (NODE_W + 4);
    });
  });
  const rightmost = Math.max(0, ...neuronX.flat().map((x) => x + NODE_W / 2));
  model.layers.forEach((layer, l) => {
    for (let j = 0; j < layer.hidden; j++)
      for (let d = 0; d < D; d++)
        if (layer.wOut[j * D + d] !== 0 && writer[d] < 0 && !model.inputDims.includes(d)) {
          writer[d] = l;
          origin[d] = yNeuron(l);
        }
  });
  return { W: Math.max(LEFT + D * LANE_W, rightmost + 8) + RIGHT, H: yInput + 40, laneX, yNeuron, yRead, yInput, origin, writer, neuronX };
}

const pct = (v: number, of: number): string => `${(100 * v) / of}%`;
/** Above this shading a neuron's text turns black: navy text keeps 4.5:1 contrast only on paler blues. */
const DARK_FROM = 0.45;
const signed = (v: number): string => (v > 0 ? `+${fmt(v)}` : fmt(v));

/** Enter and Space press an SVG element that acts as a button, as they press a native one. */
function pressOnKey(e: KeyboardEvent, press: () => void): void {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  e.preventDefault();
  press();
}

/**
 * An SVG diagram of the base model at one input, under the cuts and neuron ablations in force:
 * a toggle button on every hand-off, and every neuron a toggle that ablates it.
 */
export function ModelDiagram({ model, config, highlight, cuts, onToggleCut }: ModelDiagramProps) {
  const ablations = useStore((s) => s.neuronAblations);
  const toggleNeuron = useStore((s) => s.toggleNeuronAblation);
  const g = useMemo(() => geometry(model), [model]);
  const offs = useMemo(() => handOffs(model), [model]);
  const input = Math.min(Math.max(0, highlight.input ?? config.input), model.n - 1);
  const run = useMemo(() => (cuts.length === 0 && ablations.length === 0 ? cleanForward(model) : forward(model, { cuts, ablations })), [model, cuts, ablations]);
  const D = model.dims;
  const cutSet = new Set(cuts.flatMap((c) => c.dims.map((d) => `${c.layer}:${d}`)));
  const isTrue = outputClasses(model, run.resid)[input];
  // Node shading is relative to the largest activation over every input, so inputs compare.
  const maxAct = run.hidden.reduce((m, h) => h.reduce((a, v) => Math.max(a, v), m), 1e-9);
  const groups = [{ name: 'inputs', dims: model.inputDims }, ...model.layers.map((_, l) => ({
    name: `MLP ${l} out`, dims: Array.from({ length: D }, (_, d) => d).filter((d) => g.writer[d] === l),
  }))].filter((gr) => gr.dims.length > 0);
  // Each neuron's read-out by test id, so a focused neuron's stays current after Enter toggles it.
  const tips = new Map<string, string[]>();
  useEffect(() => {
    const el = document.activeElement;
    const tip = el instanceof SVGGElement ? tips.get(el.dataset.testid ?? '') : undefined;
    if (el && tip) showTooltipAt(el, tip);
  });
  // `row` alternates along a layer, so a phone can stagger neighbouring buttons and give each a full-size tap target.
  const buttons: { dims: number[]; layer: number; x: number; y: number; label: string; all: boolean; row: number }[] = [];
  for (let l = 1; l < model.layers.length; l++) {
    const here = offs.filter((o) => o.layer === l).map((o) => o.dim);
    here.forEach((d, k) => buttons.push({ dims: [d], layer: l, x: g.laneX(d), y: g.yRead(l), label: model.dimNames[d], all: false, row: k % 2 }));
    if (here.length > 1) {
      const label = `all ${here.length === 4 ? 'four' : here.length}`;
      buttons.push({ dims: here, layer: l, x: LEFT + D * LANE_W + RIGHT / 2, y: g.yRead(l), label, all: true, row: 0 });
    }
  }

  return (
    <section className="view view-model" data-testid="view-model">
      <h2>Base model: {model.name}</h2>
      <p className="view-caption">
        Input {input} ({inputLabel(model, input)}){highlight.input === null ? ', the selected input' : ', under the pointer'}
        {cuts.length > 0 ? `, with ${cuts.length} cut${cuts.length > 1 ? 's' : ''}` : ''}
        {ablations.length > 0 ? `, ${ablations.length} neuron${ablations.length > 1 ? 's' : ''} ablated` : ''}: output {model.dimNames[model.outputDim]} ={' '}
        {fmt(run.resid[input * D + model.outputDim])} ({isTrue ? 'TRUE' : 'FALSE'}).
      </p>
      <div className="diagram-wrap">
        <svg viewBox={`0 0 ${g.W} ${g.H}`} className="model-diagram" role="group"
          aria-label={`Diagram of ${model.name}: residual lanes, MLP neurons and hand-offs`}>
          {groups.map((gr) => {
            const x0 = g.laneX(Math.min(...gr.dims)) - LANE_W / 2 + 3;
            const x1 = g.laneX(Math.max(...gr.dims)) + LANE_W / 2 - 3;
            return (
              <g key={gr.name} className="lane-group">
                <line x1={x0} x2={x1} y1={20} y2={20} />
                <text x={(x0 + x1) / 2} y={14} textAnchor="middle">{gr.name}</text>
              </g>
            );
          })}
          {Array.from({ length: D }, (_, d) => (
            <g key={d} className={`lane ${g.writer[d] >= 0 ? 'lane-written' : 'lane-input'}`}>
              <rect x={g.laneX(d) - LANE_W / 2 + 6} width={LANE_W - 12} y={TOP - 4} height={g.origin[d] - TOP + 4} rx={4} />
              <text className="lane-name" x={g.laneX(d)} y={38} textAnchor="middle">{model.dimNames[d]}</text>
              <text className="lane-value" x={g.laneX(d)} y={52} textAnchor="middle">{fmt(run.resid[input * D + d])}</text>
            </g>
          ))}
          {model.layers.map((layer, l) => {
            const H = layer.hidden;
            return (
              <g key={l} className="mlp-layer">
                <rect className="mlp-band" x={LEFT - 4} width={D * LANE_W + 8} y={g.yNeuron(l) - 26} height={g.yRead(l) - g.yNeuron(l) + 38} rx={6} />
                <text className="layer-label" x={8} y={g.yNeuron(l) + 4}>MLP {l}</text>
                <text className="layer-sub" x={8} y={g.yRead(l) + 4}>reads</text>
                {Array.from({ length: H }, (_, j) =>
                  Array.from({ length: D }, (_, d) => {
                    const w = layer.wIn[d * H + j];
                    if (w === 0) return null;
                    const cut = cutSet.has(`${l}:${d}`);
                    const cls = cut ? 'edge edge-cut' : w > 0 ? 'edge edge-pos' : 'edge edge-neg';
                    const [x1, y1, x2, y2] = [g.laneX(d), g.yRead(l), g.neuronX[l][j], g.yNeuron(l) + NODE_H / 2];
                    return (
                      <g key={`${j}-${d}`}>
                        <line className={cls} x1={x1} y1={y1} x2={x2} y2={y2} strokeWidth={1 + Math.min(2, Math.abs(w))} />
                        {cut && (
                          <g className="edge-scissors" transform={`translate(${x1 + 0.45 * (x2 - x1) - 6},${y1 + 0.45 * (y2 - y1) - 6}) scale(0.75)`}>
                            <circle cx="4" cy="4.5" r="2" />
                            <circle cx="4" cy="11.5" r="2" />
                            <path d="M5.6 5.7L14 12M5.6 10.3L14 4" />
                          </g>
                        )}
                      </g>
                    );
                  }),
                )}
                {Array.from({ length: D }, (_, d) => {
                  let read = false;
                  for (let j = 0; j < H; j++) if (layer.wIn[d * H + j] !== 0) read = true;
                  if (!read) return null;
                  const cut = cutSet.has(`${l}:${d}`);
                  return <circle key={d} className={cut ? 'tap tap-cut' : 'tap'} cx={g.laneX(d)} cy={g.yRead(l)} r={3.5} />;
                })}
                {Array.from({ length: H }, (_, j) => {
                  const v = run.hidden[l][input * H + j];
                  const z = v / maxAct;
                  const x = g.neuronX[l][j];
                  const y = g.yNeuron(l);
                  const name = layer.neuronNames[j] ?? `${l}.${j}`;
                  const reads: string[] = [];
                  for (let d = 0; d < D; d++) if (layer.wIn[d * H + j] !== 0) reads.push(`${signed(layer.wIn[d * H + j])}·${model.dimNames[d]}${cutSet.has(`${l}:${d}`) ? ' (cut)' : ''}`);
                  const off = ablations.some((a) => a.layer === l && a.neuron === j);
                  const tip = [
                    `neuron ${name} (MLP ${l}), input ${input}`,
                    off ? 'ablated: its activation is set to 0' : `activation ReLU(${reads.join(' ')} ${signed(layer.bIn[j])}) = ${fmt(v)}`,
                    `click: ${off ? 'restore' : 'ablate'} it`,
                  ];
                  const writes = Array.from({ length: D }, (_, d) => d).filter((d) => layer.wOut[j * D + d] !== 0);
                  const press = () => toggleNeuron({ layer: l, neuron: j });
                  tips.set(`neuron-${name}`, tip);
                  return (
                    <g key={`n${j}`} className={off ? 'neuron neuron-ablated' : 'neuron'} data-testid={`neuron-${name}`}
                      role="button" tabIndex={0} aria-pressed={off} aria-label={`ablate neuron ${name} of MLP ${l} (activation ${fmt(v)})`}
                      onClick={press} onKeyDown={(e) => pressOnKey(e, press)}
                      onFocus={(e) => showTooltipAt(e.currentTarget, tip)} onBlur={hideTooltip}
                      onPointerMove={(e) => showTooltip(e.clientX, e.clientY, tip)} onPointerLeave={hideTooltip}>
                      {writes.map((d) => (
                        <line key={d} className="edge edge-write" x1={x} y1={y - NODE_H / 2} x2={g.laneX(d)} y2={y - NODE_H / 2 - 14} markerEnd="url(#model-arrow)" />
                      ))}
                      <rect x={x - NODE_W / 2} y={y - NODE_H / 2} width={NODE_W} height={NODE_H} rx={6}
                        style={{ fill: `rgba(37, 99, 235, ${(0.08 + 0.82 * z).toFixed(3)})` }} />
                      {off && <path className="neuron-cross" d={`M${x - 9},${y - 9}L${x + 9},${y + 9}M${x + 9},${y - 9}L${x - 9},${y + 9}`} />}
                      <text x={x} y={y - 2} textAnchor="middle" className={z > DARK_FROM ? 'neuron-name on' : 'neuron-name'}>{name}</text>
                      <text x={x} y={y + 11} textAnchor="middle" className={z > DARK_FROM ? 'neuron-value on' : 'neuron-value'}>{fmt(v)}</text>
                    </g>
                  );
                })}
              </g>
            );
          })}
          {model.inputDims.map((d, k) => {
            const v = model.inputs[input * model.inputDims.length + k];
            return (
              <g key={d} className="input-node">
                <circle cx={g.laneX(d)} cy={g.yInput} r={13} className={v > 0 ? 'pos' : 'neg'} />
                <text x={g.laneX(d)} y={g.yInput + 4} textAnchor="middle">{v > 0 ? '+1' : '−1'}</text>
                <text className="input-name" x={g.laneX(d)} y={g.yInput + 28} textAnchor="middle">{model.dimNames[d]}</text>
              </g>
            );
          })}
          <defs>
            <marker id="model-arrow" viewBox="0 0 10 10" refX={8} refY={5} markerWidth={6} markerHeight={6} orient="auto">
              <path d="M0,0 L10,5 L0,10 z" className="arrow-head" />
            </marker>
          </defs>
        </svg>
        {buttons.map((b) => {
          const on = hasCut(cuts, b.dims, b.layer);
          const names = b.dims.map((d) => model.dimNames[d]).join(', ');
          return (
            <button key={cutTestId(model, b.dims, b.layer)} type="button"
              className={`cut-button${b.all ? ' cut-all' : ` cut-row-${b.row}`}${on ? ' on' : ''}`}
              style={{ left: pct(b.x, g.W), top: pct(b.y, g.H) }}
              data-testid={cutTestId(model, b.dims, b.layer)} aria-pressed={on}
              aria-label={`cut ${names} out of what layer ${b.layer} reads`}
              title={`${on ? 'Restore' : 'Cut'} ${names} → layer ${b.layer}`}
              disabled={!onToggleCut} onClick={() => onToggleCut?.(b.dims, b.layer)}>
              <ScissorsIcon /> {b.label}
            </button>
          );
        })}
      </div>
      <p className="view-caption">
        Blue edges add, amber edges subtract; red dashed edges marked with scissors are cut. A cut removes a dim from what a layer reads;
        the residual stream keeps it. Click a neuron (or focus it and press Enter) to ablate it; crossed-out neurons are ablated.
      </p>
    </section>
  );
}
