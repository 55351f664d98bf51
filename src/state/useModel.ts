/** The ground-truth model the current config names: a compiled circuit, else the write-up's. */
import { useMemo } from 'react';
import type { BaseModel } from '../core/model/baseModel.ts';
import { modelForCircuit } from '../core/model/presets.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { useStore } from './store.ts';

export function useModel(): BaseModel {
  const circuit = useStore((s) => s.config.circuit);
  return useMemo(() => {
    const built = modelForCircuit(circuit);
    return built.ok ? built.value : xorAndModel();
  }, [circuit]);
}
