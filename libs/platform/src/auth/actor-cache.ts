import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import type { Actor } from './actor';

/** The channel migration 1764400110000's triggers notify: a user's id, or `*` for every user. */
export const ACTOR_CHANGED_CHANNEL = 'actor_changed';

/** How long an actor is trusted without a notification: a bound on any mistake, not the mechanism. */
const TTL_MS = 30_000;
/** Most users cached at once; the oldest entry goes first. */
const MAX_ENTRIES = 10_000;
/** Wait before listening again after the listening connection failed. */
const RECONNECT_MS = 1_000;

interface Entry {
  generation: number;
  actor: Actor;
  expires: number;
}

/**
 * The actors of tokens this process has already checked, so that a request skips the user lookup
 * its token's user and generation were already resolved by. An entry goes at once when the user's
 * row changes (disabled, tokens revoked, password set, role or organisation changed) by whatever
 * process: the database notifies ACTOR_CHANGED_CHANNEL on commit and every API process listens on
 * a connection of its own. Nothing is cached while that connection is down (a notification missed
 * then would keep a revoked token alive), and the cache starts empty each time it is up again.
 */
@Injectable()
export class ActorCache implements OnApplicationShutdown {
  private readonly logger = new Logger('ActorCache');
  private readonly entries = new Map<string, Entry>();
  private client: Client | undefined;
  private listening = false;
  private stopped = false;
  /** Bumped by every invalidation, so a lookup that raced one does not store what it read before it. */
  private epoch = 0;

  /**
   * Listens to ACTOR_CHANGED_CHANNEL on `url` (the API only: until then nothing is cached), and
   * again after the connection fails.
   */
  async listen(url: string): Promise<void> {
    const client = new Client({ connectionString: url, application_name: 'leakcase-actor-cache' });
    this.client = client;
    client.on('notification', ({ payload }) => this.forget(payload === '*' ? undefined : payload));
    client.on('error', (error) => {
      this.logger.warn(`listening connection lost: ${error.message}`);
      this.lose(client, url);
    });
    client.on('end', () => this.lose(client, url));
    try {
      await client.connect();
      await client.query(`LISTEN ${ACTOR_CHANGED_CHANNEL}`);
    } catch (error) {
      this.lose(client, url);
      throw error;
    }
    if (this.client !== client) return;
    // A lookup that read its row before LISTEN took effect may have missed a change: not stored.
    this.forget();
    this.listening = true;
  }

  /** The cached actor of a token of `userId` with `generation`, if any and still fresh. */
  get(userId: string, generation: number): Actor | undefined {
    const entry = this.entries.get(userId);
    if (!entry || entry.generation !== generation) return undefined;
    if (entry.expires > Date.now()) return entry.actor;
    this.entries.delete(userId);
    return undefined;
  }

  /** The current epoch: pass it to `set` with what was read after taking it. */
  begin(): number {
    return this.epoch;
  }

  /** Caches `actor` for tokens of `generation`, unless an invalidation came since `epoch` was taken. */
  set(generation: number, actor: Actor, epoch: number): void {
    if (!this.listening || epoch !== this.epoch) return;
    this.entries.delete(actor.userId);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(actor.userId, { generation, actor, expires: Date.now() + TTL_MS });
  }

  /** Drops `userId`'s entry (every entry when undefined). */
  forget(userId?: string): void {
    this.epoch += 1;
    if (userId === undefined) this.entries.clear();
    else this.entries.delete(userId);
  }

  /** Stops caching after `client` failed, and listens again on a new connection (unless shutting down). */
  private lose(client: Client, url: string): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.drop();
    client.end().catch(() => undefined);
    if (this.stopped) return;
    const retry = () => this.listen(url).catch((error: Error) => this.logger.warn(`cannot listen yet: ${error.message}`));
    setTimeout(retry, RECONNECT_MS).unref();
  }

  /** Stops caching until listening again. */
  private drop(): void {
    this.listening = false;
    this.forget();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.drop();
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
