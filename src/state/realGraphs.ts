/**
 * The page's reader of real-model graph files (issue 17): the views ask here, and the files are
 * read and summarized in the real-graphs worker, never on the page's thread.
 */
import { RealGraphsClient } from '../worker/realGraphsClient.ts';

/** Reads one file into its summary or the reason it was refused; dispose ends its worker. */
export type GraphReader = Pick<RealGraphsClient, 'summarize' | 'dispose'>;

/** Starts a reader (and its worker). */
export function createGraphReader(): GraphReader {
  return new RealGraphsClient();
}
