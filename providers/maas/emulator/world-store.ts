/**
 * Persistence of the emulated world: one JSON file, written atomically (a temporary file in
 * the same directory, fsynced, then renamed over the old one) after every change, so a crash
 * leaves either the old or the new world, never half of one.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WORLD_FORMAT, type MaasWorld } from './world.js';

export function loadWorld(file: string): MaasWorld | undefined {
  if (!existsSync(file)) return undefined;
  const world = JSON.parse(readFileSync(file, 'utf8')) as MaasWorld;
  if (world.format !== WORLD_FORMAT) {
    throw new Error(`MAAS emulator world ${file} has format ${String(world.format)}, expected ${WORLD_FORMAT}`);
  }
  return world;
}

export function saveWorld(file: string, world: MaasWorld): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(world, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
