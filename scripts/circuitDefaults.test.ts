/** The CLI's circuit-dependent λ default (issue 14 item 5; the table is config.ts's COMPILED_CIRCUIT_TRAIN). */
import { describe, expect, it } from 'vitest';
import { parseCliOptions } from './cliOptions.ts';

const SEVEN = '((a XOR b) AND (c XOR d)) XOR (e AND (f OR g))';

describe('circuit-dependent defaults (CLI)', () => {
  const lambdaOf = (...argv: string[]): number => {
    const r = parseCliOptions(argv);
    if (!r.ok) throw new Error(r.message);
    return r.value.config.lambda;
  };
  it('follows the circuit, preset ids included; an explicit --lambda wins', () => {
    expect(lambdaOf()).toBe(0.3);
    expect(lambdaOf('--circuit', 'xor-and')).toBe(0.3);
    expect(lambdaOf('--circuit', 'superposition')).toBe(0.3);
    expect(lambdaOf('--circuit', 'depth-3')).toBe(0.1);
    expect(lambdaOf('--circuit', SEVEN)).toBe(0.1);
    expect(lambdaOf('--circuit', SEVEN, '--lambda', '0.3')).toBe(0.3);
    expect(lambdaOf('--lambda', '0.3', '--circuit', 'depth-4')).toBe(0.3);
    expect(lambdaOf('--preset', 'write-up', '--circuit', 'depth-3')).toBe(0.018);
    expect(lambdaOf('--preset', 'spec', '--circuit', 'depth-3')).toBe(0.1);
  });
});
