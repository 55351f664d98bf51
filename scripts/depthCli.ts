/**
 * `npm run depth -- FILE [FILE] [--json]` (CONTRACTS §1): depth signatures of one or two
 * circuit-tracer graph files (SPEC §6) as a table, and with --json one JSON object on the
 * last line. The file reading is passed in, so tests run it without a shell.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Result } from '../src/core/result.ts';
import { sizeProblem } from '../src/core/realGraphs/parse.ts';
import { depthJson, summarizeGraphText, type RealGraphSummary } from '../src/core/realGraphs/summary.ts';
import { brief } from '../src/core/text.ts';

/** What the command printed and its exit code: 0 done, 1 a file refused, 2 a usage error. */
export interface DepthOutput {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** Reads a file: its size first (a file over the limit is not read), then its text. */
export interface FileReader {
  size(path: string): Result<number>;
  text(path: string): Result<string>;
}

const USAGE = 'usage: npm run depth -- FILE [FILE] [--json]';
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function header(s: RealGraphSummary, k: number): string[] {
  const guess = s.guess.kind ? `${s.guess.kind.toUpperCase()} (${s.guess.reason})` : `unknown (${s.guess.reason})`;
  const pruning = `node ${s.pruning.node ?? '–'} / edge ${s.pruning.edge ?? '–'}`;
  return [
    `graph ${k + 1}: ${s.file}: ${s.model}, prompt "${brief(s.prompt, 80)}", target ${s.target.id} ${brief(s.target.label, 60)}`,
    `  transcoders ${s.transcoderSet ?? '–'}; kind guess ${guess}`,
    `  ${s.nodes} nodes (${s.featureNodes} features), ${s.links} links, pruning ${pruning}, ${s.layers} layers`,
    `  mean path length ${s.meanPathLength === null ? '– (no positive link reaches the target)' : s.meanPathLength.toFixed(3)}`,
  ];
}

/** One row per layer; per file: circuit share and cumulative, direct share and cumulative, feature nodes. */
export function depthTable(graphs: readonly RealGraphSummary[]): string {
  const cols = ['circuit', 'cum.', 'direct', 'cum.', 'features'];
  const w = 9;
  const cell = (s: string): string => s.padStart(w);
  const lines = [`layer ${graphs.map((_, k) => `| ${`graph ${k + 1}`.padEnd(cols.length * w)}`).join(' ')}`];
  lines.push(`      ${graphs.map(() => `| ${cols.map(cell).join('')}`).join(' ')}`);
  const layers = Math.max(...graphs.map((g) => g.layers));
  for (let l = 0; l < layers; l++) {
    const row = graphs.map((g) => {
      if (l >= g.layers) return `| ${''.padEnd(cols.length * w)}`;
      const v = [pct(g.circuit.share[l]), pct(g.circuit.cumulative[l]), pct(g.direct.share[l]), pct(g.direct.cumulative[l]), String(g.features[l])];
      return `| ${v.map(cell).join('')}`;
    });
    lines.push(`${String(l).padStart(5)} ${row.join(' ')}`);
  }
  return lines.join('\n');
}

/** Runs the command on `argv` (what follows `--`). */
export function runDepth(argv: readonly string[], files: FileReader): DepthOutput {
  const stdout: string[] = [];
  const usage = (message: string): DepthOutput => ({ code: 2, stdout, stderr: [`depth: ${message} (${USAGE})`] });
  let json = false;
  const paths: string[] = [];
  for (const a of argv) {
    if (a === '--json') json = true;
    else if (a === '--') continue;
    else if (a.startsWith('-')) return usage(`unknown option ${a}`);
    else paths.push(a);
  }
  if (paths.length === 0 || paths.length > 2) return usage(`give one or two graph files, not ${paths.length}`);
  const graphs: RealGraphSummary[] = [];
  for (const path of paths) {
    const refuse = (message: string): DepthOutput => ({ code: 1, stdout, stderr: [`depth: ${path}: ${message.replace(/\s*\n\s*/g, ' ')}`] });
    const size = files.size(path);
    if (!size.ok) return refuse(size.message);
    const tooBig = sizeProblem(size.value);
    if (tooBig) return refuse(tooBig);
    const text = files.text(path);
    if (!text.ok) return refuse(text.message);
    const summary = summarizeGraphText(text.value, path, size.value);
    if (!summary.ok) return refuse(summary.message);
    graphs.push(summary.value);
  }
  graphs.forEach((g, k) => stdout.push(...header(g, k)));
  stdout.push(depthTable(graphs));
  if (json) stdout.push(JSON.stringify({ graphs: graphs.map(depthJson) }));
  return { code: 0, stdout, stderr: [] };
}

const reason = (e: unknown): string => (e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e));

/** The file system, for the command itself. */
export const nodeFiles: FileReader = {
  size: (path) => {
    try {
      const st = statSync(path);
      return st.isFile() ? { ok: true, value: st.size } : { ok: false, message: 'not a file' };
    } catch (e) {
      return { ok: false, message: `cannot read it (${reason(e)})` };
    }
  },
  text: (path) => {
    try {
      return { ok: true, value: readFileSync(path, 'utf8') };
    } catch (e) {
      return { ok: false, message: `cannot read it (${reason(e)})` };
    }
  },
};
