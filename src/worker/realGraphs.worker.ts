/** The real-model graphs worker: graph files are parsed here, never on the page's thread (realGraphs.ts does the work). */
import { serveRealGraphs, type GraphPort } from './realGraphs.ts';

serveRealGraphs(self as unknown as GraphPort);
