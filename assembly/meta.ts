// Facts about the module itself that the host needs before it may touch memory.

/** First byte past the module's static data: the arena starts at or above it. */
export function lepton_heap_base(): usize {
  return __heap_base;
}

/** 0 for the plain SIMD build, 1 for the relaxed SIMD (fast) build. */
export function lepton_build(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
