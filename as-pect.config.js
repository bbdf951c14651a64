// as-pect: specs of AssemblyScript-internal helpers (kernels are tested from TypeScript in test/).
// The specs build with as-pect.asconfig.json (SIMD on, as-pect's own runtime), not asconfig.json.
export default {
  entries: ['assembly/__tests__/**/*.spec.ts'],
  include: [],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
  reporter: 'as-pect.reporter.js',
};
