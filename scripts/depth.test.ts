/** `npm run depth` (CONTRACTS §1): the table, the --json line on the real pair, and refusals as one line and a non-zero exit. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_GRAPH_BYTES } from '../src/core/realGraphs/parse.ts';
import { nodeFiles, runDepth, type FileReader } from './depthCli.ts';

const fixture = (kind: string): string => fileURLToPath(new URL(`../../shared/fixtures/graphs/bee-insect-${kind}.json`, import.meta.url));
const CLT = fixture('clt');
const PLT = fixture('plt');

/** Files held in memory, for refusals that need no file on disk. */
function memory(files: Record<string, string>, sizes: Record<string, number> = {}): FileReader {
  return {
    size: (p) => (p in files ? { ok: true, value: sizes[p] ?? files[p].length } : { ok: false, message: 'cannot read it (no such file)' }),
    text: (p) => ({ ok: true, value: files[p] }),
  };
}

describe('npm run depth', () => {
  it('prints a table and, with --json, the CONTRACTS §1 object on the last line', () => {
    const out = runDepth([CLT, PLT, '--json'], nodeFiles);
    expect(out.code).toBe(0);
    expect(out.stderr).toEqual([]);
    const json = JSON.parse(out.stdout[out.stdout.length - 1]);
    expect(Object.keys(json)).toEqual(['graphs']);
    expect(json.graphs).toHaveLength(2);
    const [clt, plt] = json.graphs;
    expect(Object.keys(clt)).toEqual(['file', 'target', 'layers', 'direct', 'circuit', 'features', 'meanPathLength']);
    expect(clt.file).toBe(CLT);
    expect(clt.target).toBe('27_35312_6');
    expect(clt.layers).toEqual(Array.from({ length: 26 }, (_, l) => l));
    expect(Object.keys(clt.circuit)).toEqual(['share', 'cumulative']);
    expect(Object.keys(clt.features)).toEqual(clt.layers.map(String));
    expect(clt.circuit.cumulative['1']).toBeCloseTo(0.61, 2);
    expect(plt.circuit.cumulative['1']).toBeCloseTo(0.12, 2);
    expect(clt.meanPathLength).toBeCloseTo(2.38, 2);
    expect(plt.meanPathLength).toBeCloseTo(2.63, 2);
    const table = out.stdout.join('\n');
    expect(table).toContain('kind guess CLT (transcoder_set "mntss/clt-gemma-2-2b-2.5M"');
    expect(table).toContain('kind guess PLT');
    expect(table).toMatch(/\n {4}1 \| +42\.4% +61\.3% /);
  });

  it('without --json prints no JSON', () => {
    const out = runDepth([CLT], nodeFiles);
    expect(out.code).toBe(0);
    expect(out.stdout.some((l) => l.startsWith('{'))).toBe(false);
  });

  it('refuses a bad file with one line naming the file and the problem, and exit code 1', () => {
    const files = memory({ 'bad.json': '{"nodes": [', 'big.json': '{}' }, { 'big.json': MAX_GRAPH_BYTES + 1 });
    expect(runDepth(['bad.json'], files)).toMatchObject({ code: 1, stdout: [], stderr: [expect.stringMatching(/^depth: bad\.json: not JSON \(/)] });
    expect(runDepth(['big.json'], files).stderr).toEqual(['depth: big.json: the file is 50.0 MB; graphs up to 50 MB are read']);
    expect(runDepth([CLT, 'gone.json'], files).stderr).toEqual([`depth: ${CLT}: cannot read it (no such file)`]);
    expect(runDepth(['gone.json'], nodeFiles)).toMatchObject({ code: 1, stderr: ['depth: gone.json: cannot read it (no such file)'] });
  });

  it('usage errors exit 2', () => {
    expect(runDepth([], nodeFiles)).toMatchObject({ code: 2, stderr: [expect.stringMatching(/give one or two graph files, not 0/)] });
    expect(runDepth([CLT, PLT, CLT], nodeFiles).code).toBe(2);
    expect(runDepth([CLT, '--csv'], nodeFiles).stderr).toEqual([expect.stringMatching(/^depth: unknown option --csv/)]);
  });

  it('runs as a command, exiting non-zero on a refused file', () => {
    const script = fileURLToPath(new URL('./depth.ts', import.meta.url));
    const ok = spawnSync('npx', ['tsx', script, CLT, '--json'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const last = ok.stdout.trim().split('\n').pop() ?? '';
    expect(JSON.parse(last).graphs[0].target).toBe('27_35312_6');
    const bad = spawnSync('npx', ['tsx', script, fileURLToPath(new URL('../package.json', import.meta.url))], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^depth: .*package\.json: wrong schema: graph JSON lacks "metadata"$/);
  });
});
