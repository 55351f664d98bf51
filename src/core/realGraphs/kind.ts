/**
 * Guessing whether a graph came from a cross-layer or a per-layer transcoder, from the names its
 * metadata gives the transcoders. Never from `feature_type`: Neuronpedia types every feature
 * "cross layer transcoder", a PLT's included.
 */
import { brief } from '../text.ts';

export type GuessedKind = 'clt' | 'plt';

export interface KindGuess {
  /** Null when no field names the kind; the user picks. */
  kind: GuessedKind | null;
  /** Which field said so, for the panel and the table. */
  reason: string;
}

const CLT = /(^|[^a-z])clt([^a-z]|$)|cross[-_ ]?layer/;
const PLT = /(^|[^a-z])plt([^a-z]|$)|per[-_ ]?layer/;
// Gemma Scope's transcoders are per-layer ones ("gemmascope-transcoder-16k").
const PER_LAYER_SET = /gemma[-_ ]?scope/;

const str = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** The metadata fields that name transcoders, most telling first. */
function fields(metadata: Record<string, unknown>): [string, string[]][] {
  const info = typeof metadata.info === 'object' && metadata.info !== null ? (metadata.info as Record<string, unknown>) : {};
  return [
    ['transcoder_set', str(info.transcoder_set)],
    ['transcoder_list', str(metadata.transcoder_list)],
    ['neuronpedia_source_set', str(info.neuronpedia_source_set)],
    ['source_urls', str(info.source_urls)],
    ['scan', str(metadata.scan)],
    ['slug', str(metadata.slug)],
    ['description', str(info.description)],
  ];
}

/** The kind named by the first metadata field that names one (see `fields` for the order). */
export function guessKind(metadata: Record<string, unknown>): KindGuess {
  for (const [name, values] of fields(metadata)) {
    for (const value of values) {
      const v = value.toLowerCase();
      const says = CLT.test(v) ? 'clt' : PLT.test(v) || PER_LAYER_SET.test(v) ? 'plt' : null;
      if (says) return { kind: says, reason: `${name} "${brief(value, 60)}" names a ${says === 'clt' ? 'cross-layer' : 'per-layer'} transcoder` };
    }
  }
  return { kind: null, reason: 'no metadata field names the transcoder kind' };
}
