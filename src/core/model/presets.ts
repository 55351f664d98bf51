/**
 * Ready-made circuits, and the one function that turns the URL's `circuit` value into a model:
 * '' (the default) is the write-up's XOR-AND model, anything else goes through the compiler.
 */
import type { BaseModel } from './baseModel.ts';
import { compileCircuit } from './circuit.ts';
import { SUPERPOSITION_ID, superpositionControl } from './superposition.ts';
import { xorAndModel } from './xorAnd.ts';

export { SUPERPOSITION_ID, superpositionControl };

/** The write-up's formula; it compiles to exactly xorAndModel(). */
export const XOR_AND_FORMULA = '(a XOR b) AND (c XOR d)';

/** A circuit the page offers by name; `formula` is what goes into the URL's `circuit` key. */
export interface CircuitPreset {
  id: string;
  label: string;
  formula: string;
  description: string;
}

/** The presets, shallowest first; the last is the cross-layer superposition control. */
export const PRESETS: readonly CircuitPreset[] = [
  {
    id: 'xor-and',
    label: 'Write-up: (a XOR b) AND (c XOR d)',
    formula: XOR_AND_FORMULA,
    description: 'The write-up\'s 2-layer model: layer 0 computes both XORs into e..h, layer 1 ANDs them into i.',
  },
  {
    id: 'depth-3',
    label: 'Depth 3: ((a XOR b) AND (c XOR d)) XOR e',
    formula: '((a XOR b) AND (c XOR d)) XOR e',
    description: 'Three layers: the write-up\'s circuit, then XOR with a fifth input that waits in the residual stream until layer 2.',
  },
  {
    id: 'depth-4',
    label: 'Depth 4: (((a XOR b) AND (c XOR d)) XOR e) AND NOT f',
    formula: '(((a XOR b) AND (c XOR d)) XOR e) AND NOT f',
    description: 'Four layers, each needing the one before: XOR, AND, XOR, AND (the NOT is folded into the last gate).',
  },
  {
    id: 'superposition',
    label: 'Control: cross-layer superposition',
    formula: SUPERPOSITION_ID,
    description: 'Layers 0 and 1 both read only a..d and each add half of (a XOR b) AND (c XOR d) into e: no hand-off to cut, so one cross-layer feature is the faithful description.',
  },
];

/** The model for a URL `circuit` value: '' is the write-up's model, else the compiled formula. */
export function modelForCircuit(circuit: string): { ok: true; value: BaseModel } | { ok: false; message: string; position?: number } {
  if (circuit.trim() === '') return { ok: true, value: xorAndModel() };
  return compileCircuit(circuit);
}
