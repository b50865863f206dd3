// The loader hook of module-trace.mjs: appends each ES module's URL to HL_MODULE_TRACE as it loads.
import { appendFileSync } from 'node:fs';

export async function load(url, context, next) {
  appendFileSync(process.env.HL_MODULE_TRACE, `${url}\n`);
  return next(url, context);
}
