/** The graph-analysis worker's work: answers each request with `analyzeGraphs` and `showAnalysis`, packed (core/attribution/graphAnalysis.ts). */
import { analyzeGraphs, newStatsCache, packAnalysis, showAnalysis } from '../core/attribution/graphAnalysis.ts';
import type { AnalyzeReply, AnalyzeRequest } from './graphAnalysisProtocol.ts';

/** What the worker needs of its scope; a MessagePort fits too. */
export interface AnalysisPort {
  postMessage(message: AnalyzeReply): void;
  onmessage: ((e: MessageEvent<AnalyzeRequest>) => void) | null;
}

export function serveGraphAnalysis(port: AnalysisPort): void {
  const cache = newStatsCache();
  port.onmessage = (e) => {
    const { id, modelKey, input } = e.data;
    try {
      port.postMessage({ type: 'analyze', id, result: { ok: true, value: packAnalysis(showAnalysis(analyzeGraphs(input, cache, modelKey), input.threshold)) } });
    } catch (err) {
      port.postMessage({ type: 'analyze', id, result: { ok: false, message: err instanceof Error ? err.message : String(err) } });
    }
  };
}
