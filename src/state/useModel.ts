/** The ground-truth model the page shows: an uploaded ONNX model, else the config's circuit (the write-up's by default); model.ts decides. */
import { useMemo } from 'react';
import type { BaseModel } from '../core/model/baseModel.ts';
import { resolveModel } from './model.ts';
import { useStore } from './store.ts';

export function useModel(): BaseModel {
  const circuit = useStore((s) => s.config.circuit);
  const uploaded = useStore((s) => s.uploadedModel);
  return useMemo(() => resolveModel(circuit, uploaded).model, [circuit, uploaded]);
}
