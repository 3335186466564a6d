import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';
import { currentRequest } from '../logging/request-context';
import { type Connection, countStatement, type CursorList, decodeCursor, toConnection } from '../pagination/pagination';
import type { AuditChainReport, AuditEvent, AuditEventFilter } from './audit-event.model';

const AUDIT_EVENTS: CursorList = { name: 'AuditEvent(seq)', arity: 1 };

/** What a caller records; the log adds time, request id, sequence and hash itself. */
export interface AuditEntry {
  /** Dotted verb, e.g. `user.create`, `case.transition`, `claimant.unmask`. */
  action: string;
  subjectType: string;
  subjectId?: string | null;
  /** Set on every event about a case or anything under it, so judges can read that case's trail. */
  caseId?: string | null;
  /** Facts of the event. Never personal data: ids, counts, field names, dates. */
  details?: Record<string, unknown>;
}

interface AuditRow {
  id: string;
  seq: string;
  occurred_at: Date;
  actor_id: string | null;
  organisation_id: string | null;
  case_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  request_id: string | null;
  details: unknown;
  hash: Buffer;
}

/**
 * The append-only audit log. `record` must be called with the entity manager of the transaction
 * that makes the change, so the change and its audit row commit or roll back together.
 * Chaining (seq, prev_hash, hash) happens in the database trigger `audit_event_chain`.
 */
/**
 * What a check of the audit chain against signed heads compared it with, and the outcome:
 * `failure` null when every head is a row of the chain with the hash it signed, else the seq to
 * blame (null: none) and why.
 */
export interface AuditHeadReport {
  failure: { seq: number | null; reason: string } | null;
  /** Signed heads compared: the stored checkpoints and checkpoint files, and the held head when given (0: none exists). */
  heads: number;
  /** The newest row a compared head signed; null when no head was compared. Rows after it are covered by no signature. */
  newestSigned: number | null;
  /** Whether a held head (a signed audit head the caller kept, outside this installation) was compared. */
  held: boolean;
}

/**
 * A check of the audit chain against signed heads kept outside the database (libs/proof
 * registers the ledger's signed audit checkpoints, rows and files, and a held head the caller
 * gives as a signed note; InputError when that is not a signed audit head of this ledger).
 */
export type AuditHeadCheck = (held?: string) => Promise<AuditHeadReport>;

@Injectable()
export class AuditService {
  private headCheck: AuditHeadCheck | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Sets the check of the chain against its signed heads (`checkHeads`); one per application. */
  registerHeadCheck(check: AuditHeadCheck): void {
    this.headCheck = check;
  }

  /**
   * The chain against its signed heads and the held head `held` if given (deleted newest rows, a
   * rewrite with recomputed hashes, which `verifyRange` cannot see): what was compared and the
   * failure; null when no head check is registered (nothing was compared).
   */
  checkHeads(held?: string): Promise<AuditHeadReport | null> {
    return this.headCheck ? this.headCheck(held) : Promise.resolve(null);
  }

  async record(manager: EntityManager, actor: Pick<Actor, 'userId' | 'organisationId'> | null, entry: AuditEntry): Promise<void> {
    await manager.query(
      `INSERT INTO audit_event (actor_id, organisation_id, case_id, action, subject_type, subject_id, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        actor?.userId ?? null,
        actor?.organisationId ?? null,
        entry.caseId ?? null,
        entry.action,
        entry.subjectType,
        entry.subjectId ?? null,
        currentRequest()?.requestId ?? null,
        JSON.stringify(entry.details ?? {}),
      ],
    );
  }

  /** Newest first, keyset-paginated on seq; every filter is backed by an index on (column, seq). */
  async list(filter: AuditEventFilter, first: number, after?: string): Promise<Connection<AuditEvent>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.action) add('action = ?', filter.action);
    if (filter.subjectType) add('subject_type = ?', filter.subjectType);
    if (filter.subjectId) add('subject_id = ?', filter.subjectId);
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.organisationId) add('organisation_id = ?', filter.organisationId);
    if (filter.caseId) add('case_id = ?', filter.caseId);
    if (filter.from) add('occurred_at >= ?', filter.from);
    if (filter.to) add('occurred_at < ?', filter.to);
    const filtered = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const count = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM audit_event ${filtered}`, params);

    if (after) add('seq < ?', decodeCursor(AUDIT_EVENTS, after)[0]);
    params.push(first + 1);
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT id, seq, occurred_at, actor_id, organisation_id, case_id, action, subject_type, subject_id,
              request_id, details, hash
         FROM audit_event WHERE ${where.join(' AND ') || 'true'}
        ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    return toConnection(AUDIT_EVENTS, rows.map(toModel), first, count, (e) => [Number(e.seq)]);
  }

  /** The highest seq in the log (0 when empty). */
  async lastSeq(): Promise<number> {
    const [{ seq }] = await this.dataSource.query(`SELECT coalesce(max(seq), 0)::bigint AS seq FROM audit_event`);
    return Number(seq);
  }

  /**
   * Recomputes the chain over seq in [fromSeq, toSeq] in SQL: each row's hash must equal the
   * digest of its contents and the previous row's hash, and seq must have no gaps. Deleting the
   * newest rows is not detectable from the chain alone; signed checkpoints cover that.
   */
  async verifyRange(fromSeq: number, toSeq: number): Promise<AuditChainReport> {
    const [row] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE seq >= $1)::bigint AS checked,
              min(seq) FILTER (WHERE seq >= $1 AND (
                hash <> digest OR prev_hash IS DISTINCT FROM prior_hash OR seq <> coalesce(prior_seq, 0) + 1
              )) AS first_broken
         FROM (
           SELECT seq, hash, prev_hash,
                  lag(hash) OVER w AS prior_hash,
                  lag(seq) OVER w AS prior_seq,
                  audit_event_digest(prev_hash, seq, occurred_at, actor_id, organisation_id, case_id, action,
                                     subject_type, subject_id, request_id, details) AS digest
             FROM audit_event
            WHERE seq >= $1 - 1 AND seq <= $2
           WINDOW w AS (ORDER BY seq)
         ) chain`,
      [fromSeq, toSeq],
    );
    return { intact: row.first_broken === null, checked: String(row.checked), firstBrokenSeq: row.first_broken };
  }
}

function toModel(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    seq: String(row.seq),
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    organisationId: row.organisation_id,
    caseId: row.case_id,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    requestId: row.request_id,
    details: JSON.stringify(row.details),
    hash: row.hash.toString('hex'),
  };
}
