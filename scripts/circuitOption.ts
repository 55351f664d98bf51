/**
 * The `--circuit` option of `npm run reproduce`: which ground-truth model to train on.
 * - '' (or absent): the write-up's XOR-AND model.
 * - A preset id (`xor-and`, `depth-3`, `depth-4`, `superposition`), bare or as `preset:ID`.
 *   Ids with `-` cannot be formulas (names are letters, digits and `_`), so they never
 *   collide. `superposition` alone would parse as a one-input formula; the preset wins, and
 *   `(superposition)` still means the formula.
 * - Anything else is a boolean formula for the circuit compiler (src/core/model/circuit.ts).
 */
import type { BaseModel } from '../src/core/model/baseModel.ts';
import { PRESETS, modelForCircuit } from '../src/core/model/presets.ts';
import { quote } from '../src/core/text.ts';
import type { CliResult } from './cliOptions.ts';

/** The formula (or reserved id) `--circuit TEXT` stands for: a preset id becomes its formula. */
export function circuitFormula(text: string): string {
  const t = text.trim();
  const id = t.startsWith('preset:') ? t.slice('preset:'.length) : t;
  return PRESETS.find((p) => p.id === id)?.formula ?? t;
}

/** The model `--circuit TEXT` names, or a one-line message naming --circuit (and the position of a formula's mistake). */
export function resolveCircuit(text: string): CliResult<BaseModel> {
  const t = text.trim();
  const id = t.startsWith('preset:') ? t.slice('preset:'.length) : t;
  const preset = PRESETS.find((p) => p.id === id);
  if (!preset && t.startsWith('preset:')) {
    return { ok: false, message: `--circuit: unknown preset ${quote(id)} (presets: ${PRESETS.map((p) => p.id).join(', ')})` };
  }
  const r = modelForCircuit(preset ? preset.formula : t);
  if (r.ok) return r;
  const where = r.position === undefined || r.message.includes(`position ${r.position}`) ? '' : ` (at position ${r.position})`;
  return { ok: false, message: `--circuit: ${r.message.replace(/\s+/g, ' ')}${where}` };
}
