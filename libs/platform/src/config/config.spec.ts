import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

const dataDir = () => mkdtempSync(join(tmpdir(), 'leakcase-config-'));

describe('loadConfig', () => {
  it('refuses to start in production without an explicit JWT_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', LEAKCASE_DATA_DIR: dataDir() })).toThrow(
      /JWT_SECRET is required/,
    );
  });

  it('names the variable that is malformed', () => {
    expect(() => loadConfig({ PORT: 'eighty', LEAKCASE_DATA_DIR: dataDir() })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty', LEAKCASE_DATA_DIR: dataDir() })).toThrow(/PORT/);
  });

  it('generates a development secret once and reuses it on the next start', () => {
    const dir = dataDir();
    const first = loadConfig({ LEAKCASE_DATA_DIR: dir });
    const second = loadConfig({ LEAKCASE_DATA_DIR: dir });
    expect(first.warnings[0]).toMatch(/development secret/);
    expect(second.warnings).toEqual([]);
    expect(second.jwtSecret).toBe(first.jwtSecret);
  });

  it('reads the login throttle and refuses a cap below the first lock', () => {
    const env = { LEAKCASE_DATA_DIR: dataDir(), LOGIN_MAX_FAILURES: '4', LOGIN_LOCK_SECONDS: '30' };
    expect(loadConfig(env).loginThrottle).toEqual({ maxFailures: 4, maxFailuresPerAddress: 30, windowSeconds: 900, lockSeconds: 30, maxLockSeconds: 900 });
    expect(() => loadConfig({ ...env, LOGIN_MAX_LOCK_SECONDS: '10' })).toThrow(/LOGIN_MAX_LOCK_SECONDS must be at least LOGIN_LOCK_SECONDS/);
    expect(() => loadConfig({ ...env, LOGIN_MAX_FAILURES: '1' })).toThrow(/LOGIN_MAX_FAILURES/);
  });

  it('never seeds demo data in production', () => {
    const key = Buffer.alloc(32, 5).toString('base64');
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      PII_ENCRYPTION_KEY: key,
      BLIND_INDEX_KEY: key,
      LEDGER_SIGNING_KEY: key,
      LEAKCASE_DATA_DIR: dataDir(),
    });
    expect(config.seedDemo).toBe(false);
  });

  it('lists every missing production secret in one error', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', LEAKCASE_DATA_DIR: dataDir() })).toThrow(
      /JWT_SECRET is required[^]*PII_ENCRYPTION_KEY is required[^]*BLIND_INDEX_KEY is required[^]*LEDGER_SIGNING_KEY is required/,
    );
  });

  it('keeps its data under the checkout, not the current directory, unless told otherwise', () => {
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      expect(loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), PII_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64') }).dataDir).toBe(
        join(__dirname, '..', '..', '..', '..', '.leakcase'),
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses to start in production without the vault keys and the ledger signing key, naming each one', () => {
    const base = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), LEAKCASE_DATA_DIR: dataDir() };
    expect(() => loadConfig(base)).toThrow(/PII_ENCRYPTION_KEY is required/);
    const pii = Buffer.alloc(32, 1).toString('base64');
    expect(() => loadConfig({ ...base, PII_ENCRYPTION_KEY: pii })).toThrow(/BLIND_INDEX_KEY is required/);
    const blind = Buffer.alloc(32, 2).toString('base64');
    expect(() => loadConfig({ ...base, PII_ENCRYPTION_KEY: pii, BLIND_INDEX_KEY: blind })).toThrow(/LEDGER_SIGNING_KEY is required/);
    const config = loadConfig({ ...base, PII_ENCRYPTION_KEY: pii, BLIND_INDEX_KEY: blind, LEDGER_SIGNING_KEY: Buffer.alloc(32, 3).toString('base64') });
    expect(config.ledger.signingSeed).toEqual(Buffer.alloc(32, 3));
    expect(config.vault.encryptionKey).toEqual(Buffer.alloc(32, 1));
    expect(config.vault.blindIndexKey).toEqual(Buffer.alloc(32, 2));
  });

  it('refuses a vault key that is not 32 bytes of base64', () => {
    expect(() => loadConfig({ LEAKCASE_DATA_DIR: dataDir(), PII_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      /PII_ENCRYPTION_KEY must be base64 of exactly 32 bytes/,
    );
  });

  it('generates distinct development vault keys once, with a warning, and keeps them', () => {
    const dir = dataDir();
    const first = loadConfig({ LEAKCASE_DATA_DIR: dir });
    const second = loadConfig({ LEAKCASE_DATA_DIR: dir });
    expect(first.warnings.join('\n')).toMatch(/pii-encryption-key/);
    expect(first.warnings.join('\n')).toMatch(/blind-index-key/);
    expect(first.vault.encryptionKey.length).toBe(32);
    expect(first.vault.encryptionKey.equals(first.vault.blindIndexKey)).toBe(false);
    expect(second.vault.encryptionKey.equals(first.vault.encryptionKey)).toBe(true);
    expect(second.vault.blindIndexKey.equals(first.vault.blindIndexKey)).toBe(true);
  });
});
