/**
 * A syntax error found while scanning or parsing, located by offset into the parsed text.
 * The caller turns it into a `Diagnostic` once it knows how offsets map to lines/columns.
 */
import { error, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';

export interface SyntaxProblem {
  summary: string;
  detail?: string;
  /** Offset into the parsed text of the offending token. */
  offset: number;
}

/**
 * Carries a `SyntaxProblem` out of the recursive-descent parser to its entry point, which
 * catches it and returns it as data. Deliberately not an `Error`: no stack trace is built.
 */
export class SyntaxFailure {
  constructor(readonly problem: SyntaxProblem) {}
}

export function syntaxFailure(offset: number, summary: string, detail?: string): SyntaxFailure {
  const problem: SyntaxProblem = { summary, offset };
  if (detail !== undefined) problem.detail = detail;
  return new SyntaxFailure(problem);
}

/** The problem as a located diagnostic. */
export function syntaxDiagnostic(problem: SyntaxProblem, locate: (offset: number) => SourceLocation): Diagnostic {
  return error(problem.summary, locate(problem.offset), problem.detail);
}
