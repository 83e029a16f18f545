import type { Db } from 'mongodb';
import type { Redis } from 'ioredis';
import { PLATFORM_SETTING_FIELDS, PlatformSettingsValues } from '@offerly/contract';
import { storeAuditDoc, type AuditDoc } from '../audit/audit-log';
import { parseInvalidation } from '../cache-bus/invalidations';
import type { Config } from '../config';
import { effectiveSettings, settingsDefaults, type EffectiveSettings, type StoredSettings } from '../domain/platform-settings';
import type { Logger } from '../logger';

/**
 * The platform settings document: one per database, `_id: 'platform'`, read
 * by `_id` only. Fields an admin never set are absent (their environment
 * value applies).
 */
export const SETTINGS_ID = 'platform';
export interface SettingsDoc extends StoredSettings {
  _id: typeof SETTINGS_ID;
  updatedAt?: Date;
  updatedBy?: string | null;
  /** Bumped by every save, which is conditional on the revision it read. */
  rev?: number;
  /**
   * Audit entries of saves not yet copied to the audit log (by `_id`): a save
   * writes its entry here in the same update as the change, so a crash can
   * delay the entry but never lose it.
   */
  auditOutbox?: Record<string, AuditDoc>;
}
export const settingsCollection = (db: Db) => db.collection<SettingsDoc>('settings');

/**
 * Copies the outbox's entries to the audit log and takes each out once it is
 * stored. Storing an entry is idempotent (its `_id` is fixed), so the saver,
 * a reader and another process may all copy the same entry: it is listed and
 * counted once.
 */
export async function flushSettingsAudit(db: Db, doc?: Pick<SettingsDoc, 'auditOutbox'> | null): Promise<number> {
  const d = doc === undefined ? await settingsCollection(db).findOne({ _id: SETTINGS_ID }) : doc;
  const pending = Object.values(d?.auditOutbox ?? {});
  for (const entry of pending) {
    await storeAuditDoc({ db }, entry);
    await settingsCollection(db).updateOne({ _id: SETTINGS_ID }, { $unset: { [`auditOutbox.${entry._id}`]: '' } });
  }
  return pending.length;
}

export interface SettingsSnapshot extends EffectiveSettings {
  defaults: PlatformSettingsValues;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** Kept this long at most without a change message (a message lost while Redis reconnects only delays a change this much). */
export const SETTINGS_CACHE_TTL_MS = 30_000;

interface Deps {
  db: Db;
  redis: Redis;
  channel: string;
  log: Logger;
  config: Config;
  onClose(fn: () => Promise<void> | void): void;
}

/**
 * The process's view of the platform settings. `current()` is cached and
 * dropped when any process publishes a `settings` invalidation on the cache
 * bus (and after SETTINGS_CACHE_TTL_MS in any case); `read()` always asks the
 * database. Listeners learn of every invalidation (the job scheduler
 * reschedules the payout run on one).
 */
export class SettingsStore {
  private cached: { value: SettingsSnapshot; expiresAt: number } | null = null;
  private generation = 0;
  private subscribed = false;
  private subscribing: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();
  readonly defaults: PlatformSettingsValues;

  constructor(private readonly deps: Deps) {
    this.defaults = settingsDefaults(deps.config);
  }

  /** The settings in effect, from the process cache when it is fresh. */
  async current(): Promise<SettingsSnapshot> {
    this.subscribe();
    const c = this.cached;
    if (c && c.expiresAt > Date.now()) return c.value;
    const gen = this.generation;
    const value = await this.read();
    // Cached only once change messages reach this process, and only if none arrived during the read.
    if (this.subscribed && gen === this.generation) this.cached = { value, expiresAt: Date.now() + SETTINGS_CACHE_TTL_MS };
    return value;
  }

  /** The settings in effect, read from the database now; an audit entry a crashed save left behind is copied first. */
  async read(): Promise<SettingsSnapshot> {
    const doc = await settingsCollection(this.deps.db).findOne({ _id: SETTINGS_ID });
    if (doc?.auditOutbox && Object.keys(doc.auditOutbox).length) await flushSettingsAudit(this.deps.db, doc);
    return this.snapshotOf(doc);
  }

  snapshotOf(doc: SettingsDoc | null): SettingsSnapshot {
    const eff = effectiveSettings(this.validStored(doc), this.defaults);
    return { ...eff, defaults: this.defaults, updatedAt: doc?.updatedAt ?? null, updatedBy: doc?.updatedBy ?? null };
  }

  /** Drops the cached settings and tells listeners (a change here, or a message from another process). */
  invalidate(): void {
    this.generation++;
    this.cached = null;
    for (const fn of this.listeners) {
      try {
        fn();
      } catch (err) {
        this.deps.log.warn({ err }, 'settings listener failed');
      }
    }
  }

  /** Calls `fn` after every change of the settings; returns how to stop. */
  onChange(fn: () => void): () => void {
    this.subscribe();
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** A field stored with a value the contract no longer accepts is ignored (its default applies) rather than breaking payouts. */
  private validStored(doc: SettingsDoc | null): StoredSettings {
    if (!doc) return {};
    const out: Record<string, unknown> = {};
    for (const f of PLATFORM_SETTING_FIELDS) {
      if (doc[f] === undefined || doc[f] === null) continue;
      const parsed = PlatformSettingsValues.shape[f].safeParse(doc[f]);
      if (parsed.success) out[f] = parsed.data;
      else this.deps.log.warn({ field: f }, 'ignoring an invalid stored platform setting; its default applies');
    }
    return out as StoredSettings;
  }

  /**
   * Listens on the cache bus with a dedicated connection, from the first use
   * on (processes that never read settings open none). Not awaited: while
   * Redis is unreachable every read goes to the database. After a reconnect
   * messages may have been missed, so the cache is dropped.
   */
  private subscribe(): void {
    if (this.subscribing) return;
    const sub = this.deps.redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true, connectionName: 'settings' });
    sub.on('error', () => {});
    sub.on('ready', () => {
      if (this.subscribed) this.invalidate();
    });
    sub.on('message', (ch: string, raw: string) => {
      if (ch === this.deps.channel && parseInvalidation(raw)?.kind === 'settings') this.invalidate();
    });
    this.subscribing = sub.subscribe(this.deps.channel).then(
      () => {
        this.subscribed = true;
      },
      (err: unknown) => this.deps.log.warn({ err }, 'could not subscribe to settings changes; settings are read from the database each time'),
    );
    this.deps.onClose(() => {
      this.subscribed = false;
      sub.disconnect();
    });
  }
}
