/**
 * The PVE emulator in a process of its own (`hl emulate proxmox --world FILE`), as a real
 * cluster outlives hl: for tests that kill hl or run it for long (SIGKILL during a migration,
 * `hl watch`). `pveApi` calls its API with the emulator's default token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_TOKEN_ID, DEFAULT_TOKEN_SECRET } from '../../providers/pve/emulator/auth.js';
import { hlBin } from './run-hl.js';

export interface EmulatorProcess {
  url: string;
  child: ChildProcess;
}

/** Starts it with its world in `dir/world.json`; `env` adds to a bare environment (PATH only). */
export function startPveEmulatorProcess(dir: string, env: Record<string, string> = {}): Promise<EmulatorProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [hlBin(), 'emulate', 'proxmox', '--world', join(dir, 'world.json')], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
  });
}

/** One API call with the default token (a form body when `form` is given); its `data`. */
export async function pveApi<T>(emu: EmulatorProcess, method: string, path: string, form?: Record<string, string>): Promise<T> {
  const r = await fetch(`${emu.url}/api2/json${path}`, {
    method,
    headers: {
      Authorization: `PVEAPIToken=${DEFAULT_TOKEN_ID}=${DEFAULT_TOKEN_SECRET}`,
      ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { data: T }).data;
}

/** Stops it (SIGINT, as Ctrl-C) and waits for it to exit; nothing when it is gone already. */
export async function stopPveEmulatorProcess(emu: EmulatorProcess | undefined): Promise<void> {
  const child = emu?.child;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}
