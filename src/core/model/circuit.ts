/**
 * The circuit compiler: a boolean formula becomes a hand-built residual ReLU MLP, built the
 * way SPEC §1 builds the XOR-AND model, so `(a XOR b) AND (c XOR d)` compiles to xorAndModel().
 *
 * Encoding.
 * - Inputs are ±1, each in its own residual dim (−1 FALSE, +1 TRUE).
 * - Every binary gate sits in layer (its depth − 1), depth = 1 + the deepest gate it reads;
 *   a value needed later just stays in the residual stream (layers read any earlier dim).
 * - NOT costs no layer: it flips how the gate above reads its operand (or, at the root, which
 *   rows the root fires on). `NOT a` alone still gets one layer, since the output must be 0/1.
 * - A gate gets one ReLU neuron per TRUE row of its two-operand truth table (rows ordered
 *   (1,1), (1,0), (0,1)): AND one, XOR two, OR three. Rows are disjoint, so exactly one of a
 *   gate's neurons fires when it is TRUE and the SUM of its neurons' outputs is its truth, 0 or 1.
 * - A neuron fires 1 exactly when all its literals hold: ReLU(Σ literal − (k − 1)) for k
 *   operands, where a literal is worth 1 when it holds and ≤ 0 when it does not: a ±1 input x
 *   reads as x (wanted TRUE) or −x (wanted FALSE); a 0/1 value S = Σ of its dims reads as S or
 *   1 − S. So XOR(a, b) gives e = ReLU(a − b − 1), f = ReLU(b − a − 1), and AND of two 0/1
 *   sums s1, s2 gives ReLU(s1 + s2 − 1): the write-up's neurons exactly.
 * - An intermediate gate's neurons each write their own dim (one subspace per value, as e..h);
 *   the root's neurons all write the single output dim (the model's answer), which is last.
 * - Dims: inputs (first-appearance order), then intermediates by layer, left to right, then the
 *   output. Intermediates take fresh single letters (a, b, … skipping input names), then n1, n2, ….
 * - Repeated sub-formulas are compiled twice (no sharing), as typed.
 */
import { enumerateSigns, type BaseModel, type MlpLayer } from './baseModel.ts';
import { applyGate, formatFormula, inputsOf, parseFormula, type Ast, type BinaryOp } from './formula.ts';
import { SUPERPOSITION_ID, superpositionControl } from './superposition.ts';

/** Most MLP layers (gate depth) a compiled circuit may have. */
export const MAX_LAYERS = 8;
/** Most residual dims (inputs + intermediates + output) a compiled circuit may have. */
export const MAX_DIMS = 64;

/** A compile failure; `position` is set when the formula itself is at fault there. */
export interface CircuitError {
  ok: false;
  message: string;
  position?: number;
}

/** Where an operand comes from, and whether the gate reads it negated. */
interface Ref {
  input: number;
  gate: Gate | null;
  neg: boolean;
}

interface Gate {
  op: BinaryOp | 'copy';
  refs: Ref[];
  depth: number;
  /** Wanted operand values, one entry per neuron (TRUE rows of the gate's table). */
  rows: boolean[][];
  /** Residual dims the neurons write, one per row. */
  dims: number[];
  root: boolean;
}

function stripNots(ast: Ast): { core: Ast; neg: boolean } {
  let neg = false;
  while (ast.kind === 'not') {
    neg = !neg;
    ast = ast.operand;
  }
  return { core: ast, neg };
}

/** Builds the gate graph in post-order (children before parents, left before right). */
function buildGates(ast: Ast, inputs: string[]): Gate[] {
  const gates: Gate[] = [];
  const ref = (node: Ast): Ref => {
    const { core, neg } = stripNots(node);
    if (core.kind === 'input') return { input: inputs.indexOf(core.name), gate: null, neg };
    return { input: -1, gate: gate(core, false, false), neg };
  };
  const depthOf = (refs: Ref[]): number => 1 + Math.max(0, ...refs.map((r) => r.gate?.depth ?? 0));
  const gate = (core: Ast, selfNeg: boolean, root: boolean): Gate => {
    if (core.kind === 'input' || core.kind === 'not') throw new Error('buildGates: gate on a non-gate node');
    const op = core.kind;
    const refs = [ref(core.left), ref(core.right)];
    const rows: boolean[][] = [];
    for (const p of [true, false]) {
      for (const q of [true, false]) {
        if (applyGate(op, p !== refs[0].neg, q !== refs[1].neg) !== selfNeg) rows.push([p, q]);
      }
    }
    const g: Gate = { op, refs, depth: depthOf(refs), rows, dims: [], root };
    gates.push(g);
    return g;
  };
  const { core, neg } = stripNots(ast);
  if (core.kind === 'input') {
    // A bare (possibly negated) input still needs one neuron to turn ±1 into 0/1.
    const r: Ref = { input: inputs.indexOf(core.name), gate: null, neg };
    gates.push({ op: 'copy', refs: [r], depth: 1, rows: [[!neg]], dims: [], root: true });
  } else {
    gate(core, neg, true);
  }
  return gates;
}

/** Fresh names for n intermediates: unused single letters first, then n1, n2, …. */
function freshNames(n: number, taken: ReadonlySet<string>): string[] {
  const names: string[] = [];
  for (let c = 0; c < 26 && names.length < n; c++) {
    const s = String.fromCharCode(97 + c);
    if (!taken.has(s)) names.push(s);
  }
  for (let i = 1; names.length < n; i++) if (!taken.has(`n${i}`)) names.push(`n${i}`);
  return names;
}

/** One MLP layer from its neurons: literal weights on earlier dims, a bias, one written dim. */
function buildLayer(D: number, gates: Gate[], inputDims: number[], dimNames: string[]): MlpLayer {
  const H = gates.reduce((s, g) => s + g.rows.length, 0);
  const wIn = new Float64Array(D * H);
  const bIn = new Float64Array(H);
  const wOut = new Float64Array(H * D);
  const neuronNames: string[] = [];
  let j = 0;
  for (const g of gates) {
    g.rows.forEach((wanted, r) => {
      let constant = 0;
      g.refs.forEach((ref, k) => {
        const w = wanted[k] ? 1 : -1;
        if (ref.gate === null) {
          wIn[inputDims[ref.input] * H + j] += w;
        } else {
          for (const d of ref.gate.dims) wIn[d * H + j] += w;
          if (!wanted[k]) constant += 1; // the literal 1 − S
        }
      });
      bIn[j] = constant - (g.refs.length - 1);
      wOut[j * D + g.dims[r]] = 1;
      const out = dimNames[g.dims[r]];
      neuronNames.push(!g.root || g.rows.length === 1 ? out : `${out}${out.length === 1 ? '' : '_'}${r + 1}`);
      j++;
    });
  }
  return { hidden: H, wIn, bIn, wOut, neuronNames };
}

/** Compiles a formula (or the reserved id `preset:superposition`) into a base model. */
export function compileCircuit(formula: string): { ok: true; value: BaseModel } | CircuitError {
  const trimmed = formula.trim();
  if (trimmed === SUPERPOSITION_ID) return { ok: true, value: superpositionControl() };
  if (trimmed.startsWith('preset:')) {
    return { ok: false, message: `Unknown preset '${trimmed}'; the only reserved id is '${SUPERPOSITION_ID}'`, position: 0 };
  }
  const parsed = parseFormula(formula);
  if (!parsed.ok) return parsed;
  const ast = parsed.value;
  const inputs = inputsOf(ast);
  const gates = buildGates(ast, inputs);
  const root = gates[gates.length - 1];
  const L = root.depth;
  if (L > MAX_LAYERS) {
    return { ok: false, message: `This circuit needs ${L} layers (its gates nest ${L} deep); the limit is ${MAX_LAYERS}` };
  }
  const k = inputs.length;
  const intermediates = gates.reduce((s, g) => s + (g.root ? 0 : g.rows.length), 0);
  const D = k + intermediates + 1;
  if (D > MAX_DIMS) {
    return { ok: false, message: `This circuit needs ${D} residual dims (${k} inputs, ${intermediates} intermediate, 1 output); the limit is ${MAX_DIMS}` };
  }
  const byLayer: Gate[][] = Array.from({ length: L }, () => []);
  for (const g of gates) byLayer[g.depth - 1].push(g);
  let next = k;
  for (const layer of byLayer) for (const g of layer) if (!g.root) g.dims = g.rows.map(() => next++);
  root.dims = root.rows.map(() => D - 1);
  const dimNames = [...inputs, ...freshNames(intermediates + 1, new Set(inputs))];
  const inputDims = inputs.map((_, i) => i);
  return {
    ok: true,
    value: {
      name: formatFormula(ast),
      dims: D,
      dimNames,
      inputDims,
      outputDim: D - 1,
      layers: byLayer.map((layer) => buildLayer(D, layer, inputDims, dimNames)),
      inputs: enumerateSigns(k),
      n: 1 << k,
    },
  };
}
