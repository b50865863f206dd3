/** `hl emulate proxmox|maas|kuma`: runs an emulator in the foreground until interrupted. */
import { startEmulatorOperation } from '../../engine/emulate-operation.js';
import { EXIT_OK, type CommandContext } from '../command-context.js';

export async function emulateCommand(ctx: CommandContext): Promise<number> {
  const kind = ctx.cmd.args[0];
  const o = ctx.cmd.options;
  const running = await startEmulatorOperation(ctx.emulators, {
    kind,
    ...(o.host !== undefined ? { host: o.host } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.world ? { world: o.world } : {}),
  });
  ctx.term.out(
    `${kind} emulator listening on ${running.url}${o.world ? ` (world: ${o.world})` : ' (world in memory)'}\n${running.hint ?? ''}Press Ctrl-C to stop.\n`,
  );
  await new Promise<void>((done) => {
    const remove = ctx.onInterrupt(() => {
      remove();
      done();
    });
  });
  await running.close();
  return EXIT_OK;
}
