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

  it('never seeds demo data in production', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), LEAKCASE_DATA_DIR: dataDir() });
    expect(config.seedDemo).toBe(false);
  });
});
