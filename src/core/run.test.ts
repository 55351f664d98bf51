/** The shared clean pass and data set: one computation per model object, equal to computing them afresh. */
import { describe, expect, it } from 'vitest';
import { forward } from './model/baseModel.ts';
import { xorAndModel } from './model/xorAnd.ts';
import { cleanForward, modelData, sharedModelData } from './run.ts';

describe('cleanForward / sharedModelData', () => {
  it('compute once per model object and layout, with the same numbers as afresh', () => {
    const model = xorAndModel();
    expect(cleanForward(model)).toBe(cleanForward(model));
    expect(cleanForward(model)).toEqual(forward(model));
    expect(sharedModelData(model)).toBe(sharedModelData(model, 'as-described'));
    expect(sharedModelData(model)).toEqual(modelData(model));
    expect(sharedModelData(model, 'as-trained')).toEqual(modelData(model, 'as-trained'));
    expect(sharedModelData(model, 'as-trained')).not.toBe(sharedModelData(model));
    // Another model object (even an equal one) gets its own pass.
    expect(cleanForward(xorAndModel())).not.toBe(cleanForward(model));
  });
});
