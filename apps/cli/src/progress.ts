import { InvalidArgumentError } from 'commander';
import { Presets, SingleBar } from 'cli-progress';

/** Seconds between progress lines when standard error is not a terminal. */
const DEFAULT_PROGRESS_SECONDS = 5;

/**
 * A progress bar on standard error. On a terminal it redraws in place; anywhere else (a script, a
 * log file, CI) it prints `format` without its bar as a plain line every LEAKCASE_PROGRESS_SECONDS
 * (default 5; a positive number, fractions allowed), so a long run shows it is alive. `format` is
 * cli-progress's, with ` [{bar}]` where the bar goes. Throws InvalidArgumentError for a bad
 * LEAKCASE_PROGRESS_SECONDS.
 */
export function progressBar(format: string): SingleBar {
  const raw = process.env.LEAKCASE_PROGRESS_SECONDS;
  const seconds = raw === undefined || raw === '' ? DEFAULT_PROGRESS_SECONDS : Number(raw);
  if (!(seconds > 0)) throw new InvalidArgumentError('LEAKCASE_PROGRESS_SECONDS must be a positive number of seconds');
  const terminal = process.stderr.isTTY === true;
  return new SingleBar(
    {
      format: terminal ? format : format.replace(' [{bar}]', ''),
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: seconds * 1000,
    },
    Presets.shades_classic,
  );
}
