/** The page's handle on the real-model graphs worker: one request per file, answered by id. */
import type { Result } from '../core/result.ts';
import type { RealGraphSummary } from '../core/realGraphs/summary.ts';
import type { RequestEndpoint } from './endpoint.ts';
import type { SummarizeGraphReply, SummarizeGraphRequest } from './realGraphsProtocol.ts';

/** What the client needs of a Worker; a MessagePort fits too. */
export type GraphEndpoint = RequestEndpoint<SummarizeGraphRequest, SummarizeGraphReply>;

/** Starts the worker the way Vite bundles it. */
export function createRealGraphsWorker(): GraphEndpoint {
  return new Worker(new URL('./realGraphs.worker.ts', import.meta.url), { type: 'module' }) as GraphEndpoint;
}

export class RealGraphsClient {
  private next = 0;
  private readonly pending = new Map<number, (r: Result<RealGraphSummary>) => void>();

  constructor(private readonly endpoint: GraphEndpoint = createRealGraphsWorker()) {
    endpoint.onmessage = (e) => {
      const done = this.pending.get(e.data.id);
      this.pending.delete(e.data.id);
      done?.(e.data.result);
    };
    // A worker that fails to start or dies answers every waiting file with why.
    endpoint.onerror = (e) => this.failAll(`the graph reader stopped (${e.message || 'worker error'})`);
  }

  /** The file's summary, or the reason it was refused. */
  summarize(file: Blob, name: string): Promise<Result<RealGraphSummary>> {
    const id = ++this.next;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.endpoint.postMessage({ type: 'summarize', id, file, name });
    });
  }

  private failAll(message: string): void {
    for (const done of this.pending.values()) done({ ok: false, message });
    this.pending.clear();
  }

  dispose(): void {
    this.failAll('the panel closed');
    this.endpoint.terminate?.();
    this.endpoint.close?.();
  }
}
