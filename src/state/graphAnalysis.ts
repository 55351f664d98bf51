/**
 * The page's graph analyzer: the attribution-graph view asks here, and the graphs are computed
 * in the graph-analysis worker (`worker/graphAnalysisClient.ts`), never on the page's thread.
 * One worker for the page, started on first use.
 */
import { GraphAnalysisClient } from '../worker/graphAnalysisClient.ts';

export type GraphAnalyzer = Pick<GraphAnalysisClient, 'analyze' | 'cancel' | 'onPage'>;

let shared: GraphAnalysisClient | null = null;

export function graphAnalyzer(): GraphAnalyzer {
  shared ??= new GraphAnalysisClient();
  return shared;
}
