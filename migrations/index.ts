import { PlatformFoundation1764400000000 } from './1764400000000-platform-foundation';

/** Every migration, oldest first. TypeORM runs the ones not yet recorded in `migrations`. */
export const MIGRATIONS = [PlatformFoundation1764400000000];
