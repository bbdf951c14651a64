// Node built-ins are imported by a computed name, only on the paths that need them: a literal
// `import('node:fs/promises')` makes browser bundlers (esbuild, webpack) fail to resolve it.
export const nodeModule = (name: string): Promise<any> => import(/* webpackIgnore: true */ /* @vite-ignore */ name);
