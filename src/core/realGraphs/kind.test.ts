/** The PLT/CLT guess comes from the metadata's names for the transcoders, never from feature_type. */
import { describe, expect, it } from 'vitest';
import { guessKind } from './kind.ts';
import { summarizeGraphText } from './summary.ts';
import { graphJson, LINKS, NODES, text } from './tinyGraphs.ts';

describe('the kind, from the metadata (never from feature_type)', () => {
  it('reads the transcoder set, the Neuronpedia source set, our own export slug', () => {
    expect(guessKind({ info: { transcoder_set: 'mntss/clt-gemma-2-2b-2.5M' } }).kind).toBe('clt');
    expect(guessKind({ info: { neuronpedia_source_set: 'gemmascope-transcoder-16k' } }).kind).toBe('plt');
    expect(guessKind({ scan: 'transcoder-lab-xor-and', slug: 'transcoder-lab-plt-input3' })).toEqual({
      kind: 'plt',
      reason: 'slug "transcoder-lab-plt-input3" names a per-layer transcoder',
    });
    expect(guessKind({ transcoder_list: ['cross-layer 5M'] }).kind).toBe('clt');
    expect(guessKind({ scan: 'gemma-2-2b', slug: 'bee' })).toEqual({ kind: null, reason: 'no metadata field names the transcoder kind' });
  });

  it('ignores feature_type: a PLT graph typed "cross layer transcoder" throughout is still a PLT', () => {
    const r = summarizeGraphText(text(graphJson(NODES, LINKS, { info: { neuronpedia_source_set: 'gemmascope-transcoder-16k' } })), 'p.json');
    expect(r.ok && r.value.guess.kind).toBe('plt');
  });
});
