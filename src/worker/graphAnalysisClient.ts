/**
 * The page's handle on the graph-analysis worker. Only the newest request matters to a view that
 * redraws on every snapshot: while one is computed, a newer one replaces any still waiting, so a
 * slow analysis never builds a queue. If the worker cannot start or dies, the analysis runs on
 * the page instead (slower, same numbers), and `onPage` says so.
 */
import { newStatsCache, unpackAnalysis, type GraphAnalysisInput, type ShownAnalysis } from '../core/attribution/graphAnalysis.ts';
import type { BaseModel } from '../core/model/baseModel.ts';
import type { Result } from '../core/result.ts';
import type { RequestEndpoint } from './endpoint.ts';
import { answerAnalysis } from './graphAnalysis.ts';
import type { AnalyzeReply, AnalyzeRequest } from './graphAnalysisProtocol.ts';

/** What the client needs of a Worker; a MessagePort fits too. */
export type AnalysisEndpoint = RequestEndpoint<AnalyzeRequest, AnalyzeReply>;

/** Starts the worker the way Vite bundles it. */
export function createGraphAnalysisWorker(): AnalysisEndpoint {
  return new Worker(new URL('./graphAnalysis.worker.ts', import.meta.url), { type: 'module' }) as AnalysisEndpoint;
}

type Done = (r: Result<ShownAnalysis>) => void;

export class GraphAnalysisClient {
  private next = 0;
  private inFlight: { id: number; done: Done; input: GraphAnalysisInput } | null = null;
  private waiting: { input: GraphAnalysisInput; done: Done } | null = null;
  private readonly keys = new WeakMap<BaseModel, number>();
  private nextKey = 0;
  private endpoint: AnalysisEndpoint | null;
  /** Why the worker is not used (the analysis then runs on the page), or null. */
  onPage: string | null = null;
  private readonly cache = newStatsCache();

  constructor(endpoint: AnalysisEndpoint | (() => AnalysisEndpoint) = createGraphAnalysisWorker) {
    let ep: AnalysisEndpoint | null = null;
    try {
      ep = typeof endpoint === 'function' ? endpoint() : endpoint;
    } catch (err) {
      this.onPage = `the graph worker did not start (${err instanceof Error ? err.message : String(err)})`;
    }
    this.endpoint = ep;
    if (!ep) return;
    ep.onmessage = (e) => {
      const sent = this.inFlight;
      if (!sent || sent.id !== e.data.id) return;
      this.inFlight = null;
      const r = e.data.result;
      sent.done(r.ok ? { ok: true, value: unpackAnalysis(r.value) } : r);
      this.pump();
    };
    // A worker that fails or dies: the request in flight and all later ones run on the page.
    ep.onerror = (e) => {
      this.onPage = `the graph worker stopped (${e.message || 'worker error'})`;
      this.endpoint = null;
      const sent = this.inFlight;
      this.inFlight = null;
      if (sent && !this.waiting) this.waiting = { input: sent.input, done: sent.done };
      this.pump();
    };
  }

  /** Analyzes `input`; `done` is called once, unless a newer request replaces this one first. */
  analyze(input: GraphAnalysisInput, done: Done): void {
    this.waiting = { input, done };
    this.pump();
  }

  /** A request that has not started yet is dropped; one in flight is answered but ignored. */
  cancel(): void {
    this.waiting = null;
    if (this.inFlight) this.inFlight.done = () => {};
  }

  private pump(): void {
    if (this.inFlight || !this.waiting) return;
    const { input, done } = this.waiting;
    this.waiting = null;
    const id = ++this.next;
    if (!this.endpoint) {
      // On the page: in a task of its own, so the caller's render finishes first.
      this.inFlight = { id, done, input };
      setTimeout(() => {
        const sent = this.inFlight;
        if (!sent || sent.id !== id) return;
        this.inFlight = null;
        sent.done(answerAnalysis(input, this.cache, input.model));
        this.pump();
      }, 0);
      return;
    }
    let modelKey = this.keys.get(input.model);
    if (modelKey === undefined) {
      modelKey = ++this.nextKey;
      this.keys.set(input.model, modelKey);
    }
    this.inFlight = { id, done, input };
    this.endpoint.postMessage({ type: 'analyze', id, modelKey, input });
  }

  dispose(): void {
    this.cancel();
    this.endpoint?.terminate?.();
    this.endpoint?.close?.();
    this.endpoint = null;
  }
}
