/**
 * The colours the renderers use, as plain string functions. With colour off every function
 * is the identity, so no ANSI code can slip through; with colour on, kleur is asked to colour
 * even when its own detection (TTY, NO_COLOR) would say no: the caller has already decided
 * (`--no-color`, NO_COLOR, a pipe), and the renderers are pure functions of their arguments.
 */
import type chainModule from 'kleur';
import * as kleur from 'kleur/colors';
import { lazyModule } from '../core/lazy-module.js';

export type Paint = (text: string) => string;

export interface Palette {
  readonly enabled: boolean;
  green: Paint;
  red: Paint;
  yellow: Paint;
  cyan: Paint;
  magenta: Paint;
  bold: Paint;
  dim: Paint;
  /** Red and bold as kleur's chain `red().bold()` writes them (both opened, then closed in the same order). */
  redBold: Paint;
  /** Green and bold as kleur's chain `green().bold()` writes them. */
  greenBold: Paint;
}

const identity: Paint = (text) => text;

const PLAIN: Palette = {
  enabled: false,
  green: identity,
  red: identity,
  yellow: identity,
  cyan: identity,
  magenta: identity,
  bold: identity,
  dim: identity,
  redBold: identity,
  greenBold: identity,
};

/** Runs a kleur colour function with colouring switched on, restoring kleur's own setting. */
function forced(fn: (text: string) => string): Paint {
  return (text) => {
    if (text === '') return text;
    const previous = kleur.$.enabled;
    kleur.$.enabled = true;
    try {
      return fn(text);
    } finally {
      kleur.$.enabled = previous;
    }
  };
}

/**
 * kleur's chaining API, for the two paints that need its exact bytes: loaded when one of them
 * is first used, not at import (every `hl` run, `hl --help` too, loads this palette).
 */
const loadChain = lazyModule<typeof chainModule>('kleur');

/** A kleur chain run with colouring switched on, restoring kleur's own setting. */
function forcedChain(fn: (chain: typeof chainModule, text: string) => string): Paint {
  return (text) => {
    const chain = loadChain();
    const previous = chain.enabled;
    chain.enabled = true;
    try {
      return fn(chain, text);
    } finally {
      chain.enabled = previous;
    }
  };
}

let colored: Palette | undefined;

export function palette(color: boolean): Palette {
  if (!color) return PLAIN;
  colored ??= {
    enabled: true,
    green: forced(kleur.green),
    red: forced(kleur.red),
    yellow: forced(kleur.yellow),
    cyan: forced(kleur.cyan),
    magenta: forced(kleur.magenta),
    bold: forced(kleur.bold),
    dim: forced(kleur.dim),
    redBold: forcedChain((chain, text) => chain.red().bold(text)),
    greenBold: forcedChain((chain, text) => chain.green().bold(text)),
  };
  return colored;
}
