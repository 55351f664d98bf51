/**
 * The real-model graphs worker's work, apart from its onmessage so it runs in Node too: a file
 * too big is refused by its size before it is read; the rest is core/realGraphs.
 */
import { sizeProblem } from '../core/realGraphs/parse.ts';
import { summarizeGraphText } from '../core/realGraphs/summary.ts';
import type { SummarizeGraphReply, SummarizeGraphRequest } from './realGraphsProtocol.ts';

/** Reads and summarizes the request's file. */
export async function summarizeFile(req: SummarizeGraphRequest): Promise<SummarizeGraphReply> {
  const { id, file, name } = req;
  const tooBig = sizeProblem(file.size);
  if (tooBig) return { type: 'summarize', id, result: { ok: false, message: tooBig } };
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    return { type: 'summarize', id, result: { ok: false, message: `the file could not be read (${e instanceof Error ? e.message : String(e)})` } };
  }
  return { type: 'summarize', id, result: summarizeGraphText(text, name, file.size) };
}

/** What serving needs of a worker scope or a MessagePort. */
export interface GraphPort {
  onmessage: ((e: MessageEvent<SummarizeGraphRequest>) => void) | null;
  postMessage(message: SummarizeGraphReply): void;
}

/** Answers every request arriving on `port`, each in turn. */
export function serveRealGraphs(port: GraphPort): void {
  port.onmessage = (e) => {
    summarizeFile(e.data).then(
      (reply) => port.postMessage(reply),
      (err: unknown) => port.postMessage({ type: 'summarize', id: e.data.id, result: { ok: false, message: err instanceof Error ? err.message : String(err) } }),
    );
  };
}
