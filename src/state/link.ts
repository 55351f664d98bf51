/**
 * The link the page shows now, written by the one codec (url.ts writeLink): the store's
 * experiment and interventions, the graph view, and a link's `speed=max` while the pace stays
 * at full speed. The runner mirrors it to the location hash; saved experiments store it.
 */
import { graphStateOf, useGraphStore } from './graphStore.ts';
import { resolveModel } from './model.ts';
import { useStore } from './store.ts';
import { writeLink } from './url.ts';

/** Whether the link that opened the page said `speed=max` and the reader has not chosen a pace since. */
let keepMax = false;

/** Keeps (or drops) the opening link's `speed=max` in the links written from now on. */
export function keepLinkedMax(keep: boolean): void {
  keepMax = keep;
}

/** The hash body (no '#') of the experiment the page shows, its cuts named by the shown model's dims; `at` names a scrubbed step. */
export function currentLink(at: number | null = null): string {
  const s = useStore.getState();
  const { model } = resolveModel(s.config.circuit, s.uploadedModel);
  const interventions = { featureAblations: s.featureAblations, pairsOff: s.pairsOff, neuronAblations: s.neuronAblations };
  const view = { speed: keepMax && s.speed === 1 ? ('max' as const) : null, at };
  return writeLink({ config: s.config, interventions, graph: graphStateOf(useGraphStore.getState()), view }, model.dimNames);
}

/** Opens a link on the page (the runner's, registered at start-up): null until the runner starts. */
let opener: ((hash: string) => void) | null = null;

/** The runner registers how a link opens; null unregisters. */
export function setLinkOpener(open: ((hash: string) => void) | null): void {
  opener = open;
}

/**
 * Opens a link (a hash body, no '#') as if the reader had opened it: the page takes its config,
 * interventions and view at once, and the location bar shows it as a new history entry. False
 * when no runner is there to open it.
 */
export function openLink(hash: string): boolean {
  if (!opener) return false;
  opener(hash.replace(/^#/, ''));
  return true;
}
