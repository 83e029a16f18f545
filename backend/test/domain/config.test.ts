import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, envSchema, parseConfig } from '../../src/config';
import { REPO_ROOT } from '../../src/services/paths';

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

describe('config values in errors and proxies', () => {
  it('never shows secrets or URL passwords in the start-up error', () => {
    const err = (() => {
      try {
        parseConfig({ NODE_ENV: 'test', JWT_SECRET: 'short-secret', ADMIN_EMAIL: 'a@b.example', ADMIN_PASSWORD: 'pw1', REDIS_URL: 'http://user:hunter22@redis:6379' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toContain('JWT_SECRET: must be at least 32 characters (got 12 characters)');
    expect(err!.message).toContain('ADMIN_PASSWORD: must be at least 8 characters (got 3 characters)');
    expect(err!.message).toContain('"http://user:***@redis:6379"');
    for (const secret of ['short-secret', 'pw1', 'hunter22']) expect(err!.message).not.toContain(secret);
  });

  it('reads TRUST_PROXY as off, every proxy, or a number of hops', () => {
    const trust = (v?: string) => parseConfig({ NODE_ENV: 'test', ...(v === undefined ? {} : { TRUST_PROXY: v }) }).TRUST_PROXY;
    expect(trust()).toBe(0);
    expect(trust('false')).toBe(0);
    expect(trust('true')).toBe(true);
    expect(trust('1')).toBe(1);
    expect(trust('2')).toBe(2);
    expect(() => trust('maybe')).toThrow(/TRUST_PROXY/);
  });
});

describe('configuration documents', () => {
  const root = REPO_ROOT;
  const manual = fs.readFileSync(path.join(root, 'docs', 'configuration.md'), 'utf8');
  const example = fs.readFileSync(path.join(root, '.env.example'), 'utf8');

  it('the configuration table of docs/configuration.md and .env.example name every variable, and nothing that is not one', () => {
    const names = Object.keys(envSchema.shape);
    const inTable = new Set([...manual.matchAll(/^\| `([A-Z][A-Z0-9_]+)`(?: \/ `([A-Z][A-Z0-9_]+)`)*/gm)].flatMap((m) => [...m[0].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((x) => x[1])));
    const inExample = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    for (const n of names) {
      expect(inTable.has(n), `${n} in docs/configuration.md`).toBe(true);
      expect(inExample.has(n), `${n} in .env.example`).toBe(true);
    }
    for (const n of inExample) expect(names, `${n} of .env.example is a setting`).toContain(n);
  });

  it('.env.example parses as a valid configuration', () => {
    const env: Record<string, string> = {};
    for (const m of example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)) env[m[1]!] = m[2]!;
    expect(() => parseConfig({ NODE_ENV: 'test', ...env })).not.toThrow();
  });
});
