/**
 * Defaults that depend on the ground-truth circuit (issue 14 item 5): a compiled formula trains
 * at λ 0.05 under the `spec` preset; the write-up's model keeps every default. The URL, the CLI
 * and the controls read it from the one table (config.ts); the CLI's side is scripts/circuitDefaults.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  COMPILED_CIRCUIT_TRAIN, DEFAULT_EXPERIMENT, DEFAULT_TRAIN, isCompiledCircuit, presetDepartures, presetValues,
  type ExperimentConfig,
} from '../core/config.ts';
import { XOR_AND_FORMULA } from '../core/model/presets.ts';
import { SUPERPOSITION_ID } from '../core/model/superposition.ts';
import { lambdaForCircuit } from './store.ts';
import { parseHash, serializeHash } from './url.ts';

const DEPTH3 = '((a XOR b) AND (c XOR d)) XOR e';
const SEVEN = '((a XOR b) AND (c XOR d)) XOR (e AND (f OR g))';

describe('circuit-dependent defaults (config table)', () => {
  it('only a compiled formula other than the write-up\'s counts as compiled', () => {
    expect(isCompiledCircuit('')).toBe(false);
    expect(isCompiledCircuit('  ')).toBe(false);
    expect(isCompiledCircuit(XOR_AND_FORMULA)).toBe(false);
    expect(isCompiledCircuit(SUPERPOSITION_ID)).toBe(false);
    expect(isCompiledCircuit(DEPTH3)).toBe(true);
    expect(isCompiledCircuit(SEVEN)).toBe(true);
  });

  it('the write-up\'s model keeps every default; a compiled circuit gets λ 0.05 under spec only', () => {
    const spec = Object.fromEntries(Object.entries(DEFAULT_TRAIN).filter(([k]) => k !== 'seed'));
    expect(presetValues('spec')).toEqual(spec);
    expect(presetValues('spec', XOR_AND_FORMULA)).toEqual(spec);
    expect(presetValues('spec', SUPERPOSITION_ID)).toEqual(spec);
    expect(COMPILED_CIRCUIT_TRAIN).toEqual({ lambda: 0.05 });
    expect(presetValues('spec', DEPTH3)).toEqual({ ...spec, lambda: 0.05 });
    expect(presetValues('write-up', DEPTH3)).toEqual(presetValues('write-up'));
    expect(presetValues('write-up', DEPTH3).lambda).toBe(0.018);
  });

  it('λ 0.05 on a compiled circuit is no departure from spec; 0.1 and 0.3 are', () => {
    const at = (lambda: number): ExperimentConfig => ({ ...DEFAULT_EXPERIMENT, circuit: DEPTH3, lambda });
    expect(presetDepartures(at(0.05))).toEqual([]);
    expect(presetDepartures(at(0.1))).toEqual(['lambda']);
    expect(presetDepartures(at(0.3))).toEqual(['lambda']);
    expect(presetDepartures({ ...DEFAULT_EXPERIMENT })).toEqual([]);
  });

  it('changing circuit moves λ with it only while λ is at the old circuit\'s default', () => {
    const xa: ExperimentConfig = { ...DEFAULT_EXPERIMENT };
    expect(lambdaForCircuit(xa, DEPTH3)).toBe(0.05);
    expect(lambdaForCircuit({ ...xa, lambda: 0.5 }, DEPTH3)).toBe(0.5);
    const d3: ExperimentConfig = { ...DEFAULT_EXPERIMENT, circuit: DEPTH3, lambda: 0.05 };
    expect(lambdaForCircuit(d3, '')).toBe(0.3);
    expect(lambdaForCircuit(d3, SEVEN)).toBe(0.05);
    expect(lambdaForCircuit({ ...d3, lambda: 0.1 }, '')).toBe(0.1);
    expect(lambdaForCircuit({ ...d3, lambda: 0.3 }, '')).toBe(0.3);
    expect(lambdaForCircuit({ ...d3, lambda: 0.2 }, '')).toBe(0.2);
    const wu: ExperimentConfig = { ...DEFAULT_EXPERIMENT, ...presetValues('write-up'), circuit: DEPTH3 };
    expect(lambdaForCircuit(wu, '')).toBe(0.018);
  });
});

describe('circuit-dependent defaults (URL codec)', () => {
  it('the XOR-AND model\'s link is unchanged', () => {
    expect(serializeHash({ ...DEFAULT_EXPERIMENT })).toBe('v=1&seed=0');
    expect(parseHash('v=1&seed=0').config.lambda).toBe(0.3);
  });

  it('a compiled circuit at its default λ omits it, and parsing restores it', () => {
    const config: ExperimentConfig = { ...DEFAULT_EXPERIMENT, circuit: DEPTH3, lambda: 0.05 };
    const hash = serializeHash(config);
    expect(hash).not.toContain('lambda');
    const back = parseHash(hash, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'], 3, 32);
    expect(back.problems).toEqual([]);
    expect(back.config.lambda).toBe(0.05);
    expect(back.config).toEqual(config);
  });

  it('a compiled circuit at λ 0.3 writes it, and it round-trips', () => {
    const config: ExperimentConfig = { ...DEFAULT_EXPERIMENT, circuit: DEPTH3, lambda: 0.3 };
    const hash = serializeHash(config);
    expect(hash).toContain('lambda=0.3');
    expect(parseHash(hash, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'], 3, 32).config).toEqual(config);
  });

  it('an explicit λ wins wherever it stands, before or after the circuit and the preset', () => {
    const c = encodeURIComponent(DEPTH3);
    expect(parseHash(`lambda=0.4&circuit=${c}`).config.lambda).toBe(0.4);
    expect(parseHash(`circuit=${c}&lambda=0.4`).config.lambda).toBe(0.4);
    expect(parseHash(`circuit=${c}`).config.lambda).toBe(0.05);
    expect(parseHash(`preset=write-up&circuit=${c}`).config.lambda).toBe(0.018);
    expect(parseHash(`circuit=${c}&preset=spec`).config.lambda).toBe(0.05);
    expect(parseHash(`circuit=${encodeURIComponent(SUPERPOSITION_ID)}`).config.lambda).toBe(0.3);
  });
});
