/**
 * Problems found while decoding a file's node tree into config blocks. Two kinds:
 * `shape` problems restate what the config schema already reports (with better wording
 * there), so they are only shown when the schema found nothing, as a safety net;
 * `semantic` ones are beyond a schema (a default of the wrong type, ...) and always shown.
 */
import { error, type Diagnostic, type SourceLocation } from '../core/diagnostic.js';

export class DecodeReport {
  readonly shape: Diagnostic[] = [];
  readonly semantic: Diagnostic[] = [];

  shapeError(summary: string, location: SourceLocation, detail?: string): void {
    this.shape.push(error(summary, location, detail));
  }

  semanticError(summary: string, location: SourceLocation, detail?: string): void {
    this.semantic.push(error(summary, location, detail));
  }
}
