/** The graph-analysis worker's work: answers each request with `analyzeGraphs` and `showAnalysis`, packed (core/attribution/graphAnalysis.ts). */
import { analyzeGraphs, newStatsCache, packAnalysis, showAnalysis, type GraphAnalysisInput, type ShownAnalysis, type StatsCache } from '../core/attribution/graphAnalysis.ts';
import type { Result } from '../core/result.ts';
import type { AnalyzeReply, AnalyzeRequest } from './graphAnalysisProtocol.ts';

/** What the worker needs of its scope; a MessagePort fits too. */
export interface AnalysisPort {
  postMessage(message: AnalyzeReply): void;
  onmessage: ((e: MessageEvent<AnalyzeRequest>) => void) | null;
}

/** One request's answer, where it is computed (the worker, or the page when the worker is gone): the shown analysis, or why not. */
export function answerAnalysis(input: GraphAnalysisInput, cache: StatsCache, modelKey: unknown): Result<ShownAnalysis> {
  try {
    return { ok: true, value: showAnalysis(analyzeGraphs(input, cache, modelKey), input.threshold) };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

export function serveGraphAnalysis(port: AnalysisPort): void {
  const cache = newStatsCache();
  port.onmessage = (e) => {
    const { id, modelKey, input } = e.data;
    const r = answerAnalysis(input, cache, modelKey);
    port.postMessage({ type: 'analyze', id, result: r.ok ? { ok: true, value: packAnalysis(r.value) } : r });
  };
}
