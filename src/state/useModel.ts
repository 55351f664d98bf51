/** The ground-truth model the page shows: an uploaded ONNX model, else the config's circuit (the write-up's by default). */
import { useMemo } from 'react';
import type { BaseModel } from '../core/model/baseModel.ts';
import { modelForCircuit } from '../core/model/presets.ts';
import { xorAndModel } from '../core/model/xorAnd.ts';
import { useStore } from './store.ts';

export function useModel(): BaseModel {
  const circuit = useStore((s) => s.config.circuit);
  const uploaded = useStore((s) => s.uploadedModel);
  return useMemo(() => {
    if (uploaded) return uploaded.model;
    const built = modelForCircuit(circuit);
    return built.ok ? built.value : xorAndModel();
  }, [circuit, uploaded]);
}
