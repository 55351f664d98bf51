/** Messages of the real-model graphs worker (types only): a file goes in, its summary or refusal comes back. */
import type { Result } from '../core/result.ts';
import type { RealGraphSummary } from '../core/realGraphs/summary.ts';

/** Read, check and summarize one graph file (SPEC §6). */
export interface SummarizeGraphRequest {
  type: 'summarize';
  id: number;
  /** The dropped or picked file; read in the worker, never on the page. */
  file: Blob;
  name: string;
}

/** The answer to the request with the same id. */
export interface SummarizeGraphReply {
  type: 'summarize';
  id: number;
  result: Result<RealGraphSummary>;
}
