/** Messages of the graph-analysis worker (types only): a snapshot's graph inputs go in, the graphs come back. */
import type { GraphAnalysisInput, PackedAnalysis } from '../core/attribution/graphAnalysis.ts';
import type { Result } from '../core/result.ts';

export interface AnalyzeRequest {
  type: 'analyze';
  id: number;
  /** The page's name for `input.model`: the worker keeps the training data's statistics per key. */
  modelKey: number;
  input: GraphAnalysisInput;
}

/** The answer to the request with the same id. */
export interface AnalyzeReply {
  type: 'analyze';
  id: number;
  /** The shown analysis, its graphs' edges packed in typed arrays. */
  result: Result<PackedAnalysis>;
}
