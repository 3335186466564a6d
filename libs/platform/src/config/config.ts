import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The default cost limit of one GraphQL operation (apps/api cost-limit.ts: objects 2, scalars 1,
 * 1.5 per level, a list times its page size): a full page of 500 of every list's nodes fits, with
 * room for fields added later. The largest, cases with every field and each object field's scalars,
 * costs 266 a case, 133,000 a page; test/query-limits.e2e-spec.ts fails when a list no longer fits.
 */
export const DEFAULT_MAX_COST = 200_000;

/**
 * Every environment variable leakcase reads, validated once at start-up.
 * The README's configuration table mirrors this schema.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  LEAKCASE_DATA_DIR: z.string().min(1).optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().positive().default(8 * 3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(10),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().positive().default(30),
  GRAPHQL_MAX_COST: z.coerce.number().int().positive().default(DEFAULT_MAX_COST),
  // Unset: on outside production, off in production.
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).optional(),
  GRAPHIQL: z.enum(['true', 'false']).optional(),
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).default(30),
  JOB_SUPERVISE_SECONDS: z.coerce.number().int().min(1).default(15),
  IMPORT_MAX_BYTES: z.coerce.number().int().positive().default(1024 * 1024 * 1024),
  IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024 * 1024),
  IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES: z.coerce.number().int().positive().default(256 * 1024 * 1024),
  IMPORT_TEMP_DIR: z.string().min(1).optional(),
  UPLOAD_MAX_CONCURRENT: z.coerce.number().int().positive().default(4),
  UPLOAD_RATE_WINDOW_SECONDS: z.coerce.number().positive().default(30),
  UPLOAD_MIN_BYTES_PER_SECOND: z.coerce.number().int().min(0).default(1024),
  DOCUMENTS_DIR: z.string().min(1).optional(),
  DOCUMENTS_SYNC_ROWS: z.coerce.number().int().min(0).default(5000),
  PII_ENCRYPTION_KEY: z.string().optional(),
  BLIND_INDEX_KEY: z.string().optional(),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(2).default(5),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(2).default(30),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().positive().default(15 * 60),
  LOGIN_LOCK_SECONDS: z.coerce.number().int().positive().default(60),
  LOGIN_MAX_LOCK_SECONDS: z.coerce.number().int().positive().default(15 * 60),
  LEDGER_SIGNING_KEY: z.string().optional(),
  LEDGER_NAME: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores').default('leakcase'),
  LEDGER_CHECKPOINT_DIR: z.string().min(1).optional(),
  LEDGER_TRUSTED_KEYS: z.string().default(''),
  LEDGER_CHECKPOINT_SECONDS: z.coerce.number().int().min(0).default(3600),
  EVIDENCE_DIR: z.string().min(1).optional(),
  EVIDENCE_MAX_BYTES: z.coerce.number().int().positive().default(200 * 1024 * 1024),
}).refine((env) => env.LOGIN_MAX_LOCK_SECONDS >= env.LOGIN_LOCK_SECONDS, {
  path: ['LOGIN_MAX_LOCK_SECONDS'],
  message: 'must be at least LOGIN_LOCK_SECONDS',
});

export type Env = z.infer<typeof EnvSchema>;

export interface AppConfig {
  env: Env['NODE_ENV'];
  production: boolean;
  port: number;
  /** Absolute path of the data directory (embedded PostgreSQL cluster, generated development keys). */
  dataDir: string;
  /** Set when an external PostgreSQL is used; otherwise the embedded engine is started. */
  databaseUrl?: string;
  embeddedPgPort: number;
  jwtSecret: string;
  jwtTtlSeconds: number;
  logLevel: Env['LOG_LEVEL'];
  /**
   * Query limits, and what the API tells about its schema: introspection (and with it the "Did
   * you mean" suggestions in error messages, hidden when it is off) and the GraphiQL page.
   */
  graphql: { maxDepth: number; maxAliases: number; maxCost: number; introspection: boolean; graphiql: boolean };
  seedDemo: boolean;
  jobHeartbeatSeconds: number;
  jobSuperviseSeconds: number;
  /** Largest bulk-enrolment upload (the request body), in bytes; larger ones are refused with BAD_USER_INPUT. */
  importMaxBytes: number;
  /**
   * Bounds on reading an uploaded XLSX (see XlsxLimits in libs/claimants): the directory it is
   * held in while read (IMPORT_TEMP_DIR, default DATA_DIR/import-tmp; emptied at start), the
   * inflated bytes of its parts read, and of its shared strings (kept in memory), in bytes.
   */
  importXlsx: { tempDir: string; maxUncompressedBytes: number; maxSharedStringsBytes: number };
  /**
   * Uploads (claimant sheets, dataset chunks, evidence files): how many claimant sheets one process
   * reads at once (UPLOAD_MAX_CONCURRENT; more are refused with 503 and Retry-After: a sheet is
   * staged as it arrives, holding one of the 20 pooled database connections), and the slowest pace
   * a body may arrive at (UploadPace: UPLOAD_RATE_WINDOW_SECONDS, UPLOAD_MIN_BYTES_PER_SECOND).
   */
  uploads: { maxConcurrent: number; pace: { windowSeconds: number; minBytesPerSecond: number } };
  loginThrottle: LoginThrottleConfig;
  /**
   * Generated documents: the directory their files are stored in (DOCUMENTS_DIR, default
   * DATA_DIR/documents), and the largest roster (rows) generated at once; a larger one is a job.
   */
  documents: { dir: string; syncRows: number };
  /**
   * Keys of the claimants' personal-data vault, 32 bytes each: AES-256-GCM for the identifiers
   * and HMAC-SHA256 for their blind indexes. Two keys, so that whoever only hashes (the CLI that
   * imports a seized dataset) never needs the key that decrypts.
   */
  vault: { encryptionKey: Buffer; blindIndexKey: Buffer };
  /** The evidence ledger and its evidence files (libs/proof). */
  ledger: LedgerConfig;
  /** Human-readable warnings to log once the logger exists (e.g. a generated development secret). */
  warnings: string[];
}

/**
 * The tamper-evident ledger: the Ed25519 seed that signs its tree heads (32 bytes), the name of
 * the key and prefix of the logs' origins, where signed checkpoints are also written as files,
 * how often the checkpoint job runs (0: never), and where evidence files are kept, with the
 * largest upload accepted (bytes).
 */
export interface LedgerConfig {
  signingSeed: Buffer;
  name: string;
  /**
   * Earlier verifier keys of the ledger (LEDGER_TRUSTED_KEYS, signed-note verifier keys
   * separated by commas or whitespace): checkpoints they signed before a key rotation still verify.
   */
  trustedKeys: string[];
  checkpointDir: string;
  checkpointSeconds: number;
  evidenceDir: string;
  evidenceMaxBytes: number;
}

/**
 * Login throttling: after `maxFailures` failed logins for one account (or `maxFailuresPerAddress`
 * from one client address) within `windowSeconds`, further attempts are refused for
 * `lockSeconds`, doubling with each lock of the same key up to `maxLockSeconds`.
 */
export interface LoginThrottleConfig {
  maxFailures: number;
  maxFailuresPerAddress: number;
  windowSeconds: number;
  lockSeconds: number;
  maxLockSeconds: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment. Throws ConfigError naming the bad variable.
 * In production every secret must be given explicitly; in development a missing secret is
 * generated once into the data directory (with a warning) so that restarts keep tokens valid.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw configError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const dataDir = resolveDataDir(source);
  const warnings: string[] = [];

  if (production) {
    const missing = (['JWT_SECRET', 'PII_ENCRYPTION_KEY', 'BLIND_INDEX_KEY', 'LEDGER_SIGNING_KEY'] as const).filter((name) => !env[name]);
    if (missing.length) throw configError(missing.map((name) => `${name} is required when NODE_ENV=production`));
  }
  const jwtSecret = env.JWT_SECRET ?? developmentSecret(dataDir, 'jwt-secret', warnings);
  const vault = {
    encryptionKey: vaultKey('PII_ENCRYPTION_KEY', env.PII_ENCRYPTION_KEY, dataDir, 'pii-encryption-key', warnings),
    blindIndexKey: vaultKey('BLIND_INDEX_KEY', env.BLIND_INDEX_KEY, dataDir, 'blind-index-key', warnings),
  };

  return {
    env: env.NODE_ENV,
    production,
    port: env.PORT,
    dataDir,
    databaseUrl: env.DATABASE_URL,
    embeddedPgPort: env.EMBEDDED_PG_PORT,
    jwtSecret,
    jwtTtlSeconds: env.JWT_TTL_SECONDS,
    logLevel: env.LOG_LEVEL,
    graphql: {
      maxDepth: env.GRAPHQL_MAX_DEPTH,
      maxAliases: env.GRAPHQL_MAX_ALIASES,
      maxCost: env.GRAPHQL_MAX_COST,
      introspection: (env.GRAPHQL_INTROSPECTION ?? String(!production)) === 'true',
      graphiql: (env.GRAPHIQL ?? String(!production)) === 'true',
    },
    seedDemo: !production && env.SEED_DEMO === 'auto',
    jobHeartbeatSeconds: env.JOB_HEARTBEAT_SECONDS,
    jobSuperviseSeconds: env.JOB_SUPERVISE_SECONDS,
    importMaxBytes: env.IMPORT_MAX_BYTES,
    importXlsx: {
      tempDir: resolve(dataDir, env.IMPORT_TEMP_DIR ?? 'import-tmp'),
      maxUncompressedBytes: env.IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES,
      maxSharedStringsBytes: env.IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES,
    },
    uploads: {
      maxConcurrent: env.UPLOAD_MAX_CONCURRENT,
      pace: { windowSeconds: env.UPLOAD_RATE_WINDOW_SECONDS, minBytesPerSecond: env.UPLOAD_MIN_BYTES_PER_SECOND },
    },
    loginThrottle: {
      maxFailures: env.LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: env.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
      lockSeconds: env.LOGIN_LOCK_SECONDS,
      maxLockSeconds: env.LOGIN_MAX_LOCK_SECONDS,
    },
    documents: { dir: resolve(dataDir, env.DOCUMENTS_DIR ?? 'documents'), syncRows: env.DOCUMENTS_SYNC_ROWS },
    vault,
    ledger: {
      signingSeed: vaultKey('LEDGER_SIGNING_KEY', env.LEDGER_SIGNING_KEY, dataDir, 'ledger-signing-key', warnings),
      name: env.LEDGER_NAME,
      trustedKeys: env.LEDGER_TRUSTED_KEYS.split(/[\s,]+/).filter(Boolean),
      checkpointDir: resolve(dataDir, env.LEDGER_CHECKPOINT_DIR ?? 'checkpoints'),
      checkpointSeconds: env.LEDGER_CHECKPOINT_SECONDS,
      evidenceDir: resolve(dataDir, env.EVIDENCE_DIR ?? 'evidence'),
      evidenceMaxBytes: env.EVIDENCE_MAX_BYTES,
    },
    warnings,
  };
}

/**
 * The data directory: LEAKCASE_DATA_DIR, else `.leakcase` in the checkout. Relative to the
 * project, not the current directory, so the CLI run from a subfolder still finds the API's
 * embedded database and its own session.
 */
export function resolveDataDir(source: NodeJS.ProcessEnv = process.env): string {
  const given = source.LEAKCASE_DATA_DIR;
  return given ? resolve(given) : join(projectRoot(), '.leakcase');
}

/** One error listing every problem, so an operator fixes them in one go. */
function configError(problems: string[]): ConfigError {
  return new ConfigError(
    problems.length === 1 ? `Invalid configuration: ${problems[0]}` : `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  );
}

/** The folder of leakcase's package.json (the checkout), found upwards from this file. */
function projectRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'leakcase') return dir;
  }
  return process.cwd();
}

/** A random secret kept in DATA_DIR/secrets/NAME, created on first use (development only). */
export function developmentSecret(dataDir: string, name: string, warnings: string[]): string {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  // The data directory itself stays traversable: the embedded server runs as user `postgres`.
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  warnings.push(`Generated a development secret in ${file}; set it explicitly in production`);
  return secret;
}

/**
 * A 32-byte key (or Ed25519 seed) given as base64 (or base64url), e.g. `openssl rand -base64 32`. Required in
 * production (checked by loadConfig); in development generated
 * once into the data directory, with a warning.
 */
function vaultKey(variable: string, given: string | undefined, dataDir: string, file: string, warnings: string[]): Buffer {
  const encoded = given ?? developmentSecret(dataDir, file, warnings);
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded.trim())) {
    throw new ConfigError(`Invalid configuration: ${variable} must be base64 of exactly 32 bytes`);
  }
  return key;
}

/** Nest injection token for AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
