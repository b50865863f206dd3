/** Where a view writes: standard output, standard error, and whether colour is wanted. */
export interface TextOutput {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}
