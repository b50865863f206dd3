// Preloaded with `node --import` into an hl process: writes every module the process loaded
// to the file HL_MODULE_TRACE names, one URL a line. ES modules are recorded as they load (by
// module-trace-hooks.mjs, which Node runs on its hooks thread); CommonJS files (hl's lazily
// required libraries, the precompiled validators) and Node's built-in modules are added at exit.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const out = process.env.HL_MODULE_TRACE;
if (!out) throw new Error('module-trace.mjs: set HL_MODULE_TRACE to the file to write');
register('./module-trace-hooks.mjs', import.meta.url);
process.on('exit', () => {
  const required = Object.keys(createRequire(import.meta.url).cache).map((file) => pathToFileURL(file).href);
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => `node:${m.slice('NativeModule '.length)}`);
  appendFileSync(out, `${[...required, ...builtins].join('\n')}\n`);
});
