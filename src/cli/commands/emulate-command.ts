/** `hl emulate proxmox|maas|kuma`: runs an emulator in the foreground until interrupted. */
import { resolve } from 'node:path';
import { DiagnosticsError, error } from '../../core/diagnostic.js';
import { didYouMean } from '../../core/suggest.js';
import { EXIT_OK, type CommandContext } from '../command-context.js';
import { emulators } from '../../engine/emulator-registry.js';

export async function emulateCommand(ctx: CommandContext): Promise<number> {
  const kind = ctx.cmd.args[0];
  const all = emulators();
  const start = kind ? all.get(kind) : undefined;
  if (!start) {
    const s = kind ? didYouMean(kind, all.keys()) : undefined;
    throw new DiagnosticsError([error(kind ? `No emulator "${kind}"` : 'hl emulate needs a kind', undefined, s ? `Did you mean "${s}"?` : `Available: ${[...all.keys()].join(', ')}`)]);
  }
  const o = ctx.cmd.options;
  const host = o.host ?? '127.0.0.1';
  if (!/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host)) {
    throw new DiagnosticsError([error(`Emulators listen on loopback only; "${host}" is not a loopback address`)]);
  }
  const running = await start({ host, port: o.port ?? 0, ...(o.world ? { worldFile: resolve(o.world) } : {}) });
  ctx.term.out(`${kind} emulator listening on ${running.url}${o.world ? ` (world: ${o.world})` : ' (world in memory)'}\n${running.hint ?? ''}Press Ctrl-C to stop.\n`);
  await new Promise<void>((done) => {
    const remove = ctx.onInterrupt(() => {
      remove();
      done();
    });
  });
  await running.close();
  return EXIT_OK;
}
