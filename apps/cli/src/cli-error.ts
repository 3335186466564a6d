/** A refusal meant for the person at the terminal: printed as it is, without "unexpected error". */
export class CliError extends Error {
  override readonly name = 'CliError';
}
