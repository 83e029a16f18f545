import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config';

describe('config', () => {
  it('applies defaults', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const c = parseConfig({ DATA_DIR: dir });
    expect(c.PORT).toBe(5000);
    expect(c.PUBLIC_TRACKING_URL).toBe('http://localhost:5000');
    expect(c.JWT_EXPIRES_IN).toBe('7d');
  });

  it('lists every bad value in one error', () => {
    try {
      parseConfig({ PORT: 'eighty', MONGO_URL: 'http://x', JWT_EXPIRES_IN: 'forever', CLIENT_URL: 'not a url' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      for (const name of ['PORT', 'MONGO_URL', 'JWT_EXPIRES_IN', 'CLIENT_URL']) expect(msg).toContain(name);
    }
  });

  it('requires JWT_SECRET in production and persists a generated one in development', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const a = parseConfig({ NODE_ENV: 'development', DATA_DIR: dir });
    const b = parseConfig({ NODE_ENV: 'development', DATA_DIR: dir });
    expect(a.JWT_SECRET).toHaveLength(64);
    expect(b.JWT_SECRET).toBe(a.JWT_SECRET);
    expect(fs.readFileSync(path.join(dir, 'jwt-secret'), 'utf8')).toBe(a.JWT_SECRET);
  });

  it('refuses OUTBOUND_ALLOW_PRIVATE=true in production, with every other problem listed alongside', () => {
    const secret = 'x'.repeat(32);
    expect(() => parseConfig({ NODE_ENV: 'production', JWT_SECRET: secret, OUTBOUND_ALLOW_PRIVATE: 'true' })).toThrow(/OUTBOUND_ALLOW_PRIVATE: must not be true when NODE_ENV=production/);
    expect(() => parseConfig({ NODE_ENV: 'production', OUTBOUND_ALLOW_PRIVATE: 'yes' })).toThrow(/JWT_SECRET: required[\s\S]*OUTBOUND_ALLOW_PRIVATE/);
    expect(parseConfig({ NODE_ENV: 'production', JWT_SECRET: secret, OUTBOUND_ALLOW_PRIVATE: 'false' }).OUTBOUND_ALLOW_PRIVATE).toBe(false);
    expect(parseConfig({ NODE_ENV: 'test', OUTBOUND_ALLOW_PRIVATE: 'true' }).OUTBOUND_ALLOW_PRIVATE).toBe(true);
  });

  it('needs both admin bootstrap variables or neither', () => {
    expect(() => parseConfig({ NODE_ENV: 'test', ADMIN_EMAIL: 'a@b.example' })).toThrow(/ADMIN_EMAIL and ADMIN_PASSWORD/);
  });
});
