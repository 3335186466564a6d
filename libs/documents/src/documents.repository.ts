import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  classEnrolmentsIn,
  classMembersIn,
  type Connection,
  type CursorList,
  decodeCursor,
  type EnrolmentView,
  SqlParams,
  countStatement,
  toConnection,
  type Viewer,
  visibleEvidence,
} from '@app/platform';
import { type LeakIncident, leakIncidentColumns, type LeakIncidentRow, toLeakIncident } from '@app/leaks';
import type { CaseFacts, DocumentDataset, DocumentEvidence, DocumentParty, RosterRow } from './content/case-facts';
import type { DocumentModel } from './document.model';
import type { DocumentFormat, DocumentKind, DocumentLanguage } from './rules/document-kinds';

const DOCUMENTS: CursorList = { name: 'Document(createdAt,id)', arity: 2 };

/** Current member states (PROPOSED, ADMITTED, REGISTERED), as the classes library counts them. */
const CURRENT = `('PROPOSED', 'ADMITTED', 'REGISTERED')`;

const DOCUMENT_COLUMNS = `d.id, d.case_id, d.organisation_id, d.kind, d.language, d.format, d.version, encode(d.sha256, 'hex') AS sha256,
  d.size_bytes::int AS size_bytes, d.page_count, d.storage_name, d.created_by, d.job_id, d.log_index::text AS log_index, d.created_at`;

const toDocument = (r: any): DocumentModel => ({
  id: r.id,
  caseId: r.case_id,
  organisationId: r.organisation_id,
  kind: r.kind,
  language: r.language,
  format: r.format,
  version: r.version,
  sha256: r.sha256,
  sizeBytes: r.size_bytes,
  pageCount: r.page_count,
  storageName: r.storage_name,
  createdBy: r.created_by,
  jobId: r.job_id,
  logIndex: r.log_index,
  createdAt: r.created_at,
});

/** A new version's facts, the file already written. */
export interface NewDocument {
  id: string;
  caseId: string;
  organisationId: string;
  kind: DocumentKind;
  language: DocumentLanguage;
  format: DocumentFormat;
  sha256: Buffer;
  sizeBytes: number;
  pageCount: number | null;
  storageName: string;
  createdBy: string | null;
  jobId: string | null;
}

/** Rows read per roster batch. */
export const ROSTER_BATCH = 2000;

/**
 * The SQL of documents: their records and versions, and what a document reads of its case. Every
 * read of members goes through the visibility policy (classMembersIn, classEnrolmentsIn).
 */
@Injectable()
export class DocumentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the next version of (case, organisation, kind, language, format), under a lock of that key. */
  async insert(manager: EntityManager, d: NewDocument): Promise<DocumentModel> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('leakcase.document'), hashtext($1))`, [
      [d.caseId, d.organisationId, d.kind, d.language, d.format].join('/'),
    ]);
    const [row] = await manager.query(
      `INSERT INTO case_document AS d (id, case_id, organisation_id, kind, language, format, version, sha256, size_bytes, page_count,
                                       storage_name, created_by, job_id)
       SELECT $1, $2, $3, $4, $5, $6,
              coalesce((SELECT max(version) FROM case_document
                         WHERE case_id = $2 AND organisation_id = $3 AND kind = $4 AND language = $5 AND format = $6), 0) + 1,
              $7, $8, $9, $10, $11, $12
       RETURNING ${DOCUMENT_COLUMNS}`,
      [d.id, d.caseId, d.organisationId, d.kind, d.language, d.format, d.sha256, d.sizeBytes, d.pageCount, d.storageName, d.createdBy, d.jobId],
    );
    return toDocument(row);
  }

  /** Records a document's position in the evidence log. */
  async setLogIndex(manager: EntityManager, id: string, logIndex: number): Promise<void> {
    await manager.query(`UPDATE case_document SET log_index = $2 WHERE id = $1`, [id, logIndex]);
  }

  /**
   * Up to `limit` documents not yet in the evidence log, oldest first, locked for the caller's
   * transaction (another transaction logging them meanwhile makes them drop out).
   */
  async lockUnlogged(manager: EntityManager, limit: number): Promise<DocumentModel[]> {
    const rows = await manager.query(
      `SELECT ${DOCUMENT_COLUMNS} FROM case_document d WHERE d.log_index IS NULL ORDER BY d.created_at, d.id LIMIT $1 FOR UPDATE`,
      [limit],
    );
    return rows.map(toDocument);
  }

  /** One document of organisation `organisationId`; null for anyone else's (or none). */
  async findOwn(id: string, organisationId: string): Promise<DocumentModel | null> {
    const [row] = await this.dataSource.query(`SELECT ${DOCUMENT_COLUMNS} FROM case_document d WHERE d.id = $1 AND d.organisation_id = $2`, [id, organisationId]);
    return row ? toDocument(row) : null;
  }

  /** The case's documents of one organisation, newest first. */
  async list(caseId: string, organisationId: string, kind: DocumentKind | undefined, first: number, after?: string): Promise<Connection<DocumentModel>> {
    const p = new SqlParams();
    const conditions = [`d.case_id = ${p.add(caseId)}`, `d.organisation_id = ${p.add(organisationId)}`];
    if (kind) conditions.push(`d.kind = ${p.add(kind)}`);
    const total = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM case_document d WHERE ${conditions.join(' AND ')}`, p.values);
    if (after) {
      const [at, id] = decodeCursor(DOCUMENTS, after);
      conditions.push(`(d.created_at, d.id) < (${p.add(at)}::timestamptz, ${p.add(id)}::uuid)`);
    }
    const rows = await this.dataSource.query(
      `SELECT ${DOCUMENT_COLUMNS} FROM case_document d WHERE ${conditions.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(DOCUMENTS, rows.map(toDocument), first, total, (d) => [d.createdAt.toISOString(), d.id]);
  }

  /**
   * The evidence items of the case that `viewer` may see (the visibility policy's
   * visibleEvidence: the court all, a party its own and those exchanged), in log order, each with
   * the burden rules of the obligations it addresses.
   */
  async evidence(manager: EntityManager, caseId: string, viewer: Viewer): Promise<DocumentEvidence[]> {
    const p = new SqlParams();
    const rows = await manager.query(
      `SELECT ev.title, ev.source, ev.page_count, encode(ev.sha256, 'hex') AS sha256, ev.ledger_index::text AS log_index,
              array(SELECT DISTINCT o.rule FROM evidence_obligation eo JOIN obligation o ON o.id = eo.obligation_id
                     WHERE eo.evidence_id = ev.id ORDER BY o.rule) AS rules
         FROM evidence_item ev
        WHERE ev.case_id = ${p.add(caseId)} AND ${visibleEvidence(viewer, 'ev', p)}
        ORDER BY ev.ledger_index`,
      p.values,
    );
    return rows.map((r: any) => ({ title: r.title, source: r.source, rules: r.rules, pageCount: r.page_count, sha256: r.sha256, logIndex: Number(r.log_index) }));
  }

  /** Names of organisations by id. */
  async organisation(manager: EntityManager, id: string): Promise<{ name: string; kind: string }> {
    const [row] = await manager.query(`SELECT name, kind FROM organisation WHERE id = $1`, [id]);
    return row;
  }

  /** The parties in their order: organisations by their names and kinds, the others by the names recorded. */
  async parties(manager: EntityManager, caseId: string): Promise<DocumentParty[]> {
    const rows = await manager.query(
      `SELECT p.role, coalesce(o.name, p.name) AS name, o.kind AS organisation_kind, p.credit_code, p.handler_role, p.liability_basis
         FROM case_party p LEFT JOIN organisation o ON o.id = p.organisation_id
        WHERE p.case_id = $1 ORDER BY p.position, p.id`,
      [caseId],
    );
    return rows.map((r: any) => ({
      role: r.role,
      name: r.name ?? '',
      organisationKind: r.organisation_kind,
      creditCode: r.credit_code,
      handlerRole: r.handler_role,
      liabilityBasis: r.liability_basis,
      liabilitySource: null,
    }));
  }

  /** The incidents linked to the case (whoever may see the case sees them). */
  async incidents(manager: EntityManager, caseId: string): Promise<LeakIncident[]> {
    const rows: LeakIncidentRow[] = await manager.query(
      `SELECT ${leakIncidentColumns('i')} FROM case_incident ci JOIN leak_incident i ON i.id = ci.incident_id
        WHERE ci.case_id = $1 ORDER BY ci.linked_at, i.id`,
      [caseId],
    );
    return rows.map(toLeakIncident);
  }

  /** The organisation's own seized datasets of the case's incidents (a dataset is its importer's). */
  async ownDatasets(manager: EntityManager, caseId: string, organisationId: string): Promise<DocumentDataset[]> {
    const rows = await manager.query(
      `SELECT d.source, d.row_count::text AS row_count, d.matched_claimants::text AS matched, encode(d.file_sha256, 'hex') AS sha256,
              (d.completed_at AT TIME ZONE 'Asia/Shanghai')::date::text AS completed_on
         FROM seized_dataset d
        WHERE d.organisation_id = $2 AND d.file_sha256 IS NOT NULL
          AND d.incident_id IN (SELECT incident_id FROM case_incident WHERE case_id = $1)
        ORDER BY d.created_at, d.id`,
      [caseId, organisationId],
    );
    const n = (v: string | null) => (v === null ? null : Number(v));
    return rows.map((r: any) => ({ source: r.source, rowCount: n(r.row_count), matchedClaimants: n(r.matched), fileSha256: r.sha256, completedOn: r.completed_on }));
  }

  /** The latest deadline of `rule` on the case, if one was opened. */
  async deadline(manager: EntityManager, caseId: string, rule: string): Promise<{ trigger: string; due: string; urgent: boolean } | null> {
    const [row] = await manager.query(
      `SELECT trigger_date::text AS trigger, due::text AS due, urgent FROM case_deadline WHERE case_id = $1 AND rule = $2 ORDER BY created_at DESC, id LIMIT 1`,
      [caseId, rule],
    );
    return row ?? null;
  }

  /**
   * Current members across the case's classes in the view, each person once: how many, how many
   * verified, and their declared losses (the largest of a person's classes, so that a person in
   * two classes is not counted twice).
   */
  async memberTotals(manager: EntityManager, caseId: string, view: EnrolmentView): Promise<CaseFacts['members']> {
    const p = new SqlParams();
    const [row] = await manager.query(
      `SELECT count(*)::bigint AS current, count(*) FILTER (WHERE verified)::bigint AS verified,
              count(loss)::bigint AS loss_members, coalesce(sum(loss), 0)::text AS loss_sum
         FROM (SELECT m.claimant_id, bool_or(m.verified) AS verified, max(m.declared_loss_fen) AS loss
                 FROM ${classMembersIn(view, p)} m
                WHERE m.class_id IN (SELECT id FROM case_class WHERE case_id = ${p.add(caseId)}) AND m.state IN ${CURRENT}
                GROUP BY m.claimant_id) x`,
      p.values,
    );
    return { current: Number(row.current), verified: Number(row.verified), lossMembers: Number(row.loss_members), lossSumFen: Number(row.loss_sum) };
  }

  /** The roster's size: members of the case's classes in the view (a person in two classes is two rows). */
  async rosterCount(manager: EntityManager, classIds: string[], view: EnrolmentView): Promise<number> {
    const p = new SqlParams();
    const [{ n }] = await manager.query(
      `SELECT count(*)::bigint AS n FROM ${classMembersIn(view, p)} m WHERE m.class_id = ANY(${p.add(classIds)}::uuid[])`,
      p.values,
    );
    return Number(n);
  }

  /**
   * The roster's rows, class by class in the given order and by claimant id within a class, in
   * batches of ROSTER_BATCH read with a keyset loop (the index on (class_id, claimant_id)), so
   * memory holds one batch. The name mask is the one an enrolment that puts the person in the class
   * recorded (the organisation's own; for the court the first party's), the ID number's mask the
   * claimant's; never an unmasked identifier. Run it in the snapshot that counted the rows.
   */
  async *rosterRows(manager: EntityManager, classIds: string[], view: EnrolmentView): AsyncGenerator<RosterRow[]> {
    for (const [index, classId] of classIds.entries()) {
      // The next batch is asked for before this one is handed over, so the database reads it
      // while the caller lays this one out.
      let pending = this.rosterBatch(manager, classId, view, null);
      for (;;) {
        const rows = await pending;
        if (!rows.length) break;
        pending = rows.length < ROSTER_BATCH ? Promise.resolve([]) : this.rosterBatch(manager, classId, view, rows[rows.length - 1].claimant_id);
        yield rows.map((r) => ({
          classNo: index + 1,
          nameMasked: r.name_masked,
          idNumberMasked: r.id_number_masked,
          bases: r.bases,
          subclass: r.subclass,
          state: r.state,
          declaredLossFen: r.loss === null ? null : Number(r.loss),
        }));
      }
    }
  }

  /** One keyset batch of a class's roster rows after claimant `after`. */
  private rosterBatch(manager: EntityManager, classId: string, view: EnrolmentView, after: string | null): Promise<any[]> {
    const batch = this.rosterQuery(manager, classId, view, after);
    // Awaited by the loop; handled here too, so a batch nobody awaits (the caller stopped) cannot fail the process.
    batch.catch(() => undefined);
    return batch;
  }

  private rosterQuery(manager: EntityManager, classId: string, view: EnrolmentView, after: string | null): Promise<any[]> {
    const p = new SqlParams();
    const c = p.add(classId);
    const members = classMembersIn(view, p);
    const enrolments = classEnrolmentsIn(view, p, c);
    return manager.query(
      `SELECT m.claimant_id, coalesce(e.name_masked, cl.name_masked) AS name_masked, cl.id_number_masked, m.bases::text[] AS bases,
              m.subclass, m.state, m.declared_loss_fen::text AS loss
         FROM ${members} m JOIN claimant cl ON cl.id = m.claimant_id
         LEFT JOIN LATERAL (SELECT e.name_masked FROM ${enrolments} e WHERE e.claimant_id = m.claimant_id ORDER BY e.created_at, e.id LIMIT 1) e ON true
        WHERE m.class_id = ${c} ${after ? `AND m.claimant_id > ${p.add(after)}::uuid` : ''}
        ORDER BY m.claimant_id LIMIT ${ROSTER_BATCH}`,
      p.values,
    );
  }
}
