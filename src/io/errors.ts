// The one error a model file can cause: whatever is wrong with it (syntax, version, sizes,
// shapes, values, unknown names) surfaces as a ModelFormatError that says where and what.

export class ModelFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelFormatError';
  }
}
