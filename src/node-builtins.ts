// Node built-ins, imported by a computed name and only on the paths that touch files: a literal
// `import('node:fs/promises')` makes browser bundlers (esbuild, webpack, Vite) fail to resolve it,
// and the same bundle must load unchanged in browsers and workerd.
/** @internal */
export const nodeModule = <T = any>(name: string): Promise<T> => import(/* webpackIgnore: true */ /* @vite-ignore */ name);

/** @internal */
export const nodeFs = () => nodeModule<typeof import('node:fs/promises')>('node:fs/promises');
/** @internal */
export const nodePath = () => nodeModule<typeof import('node:path')>('node:path');
/** @internal */
export const nodeZlib = () => nodeModule<typeof import('node:zlib')>('node:zlib');
