/** The graph-analysis worker: attribution graphs are computed here, never on the page's thread (graphAnalysis.ts does the work). */
import { serveGraphAnalysis, type AnalysisPort } from './graphAnalysis.ts';

serveGraphAnalysis(self as unknown as AnalysisPort);
