import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type Connection, countStatement, type CursorList, decodeCursor, returningRows, SqlParams, toConnection, visibleEvidence } from '@app/platform';
import type { EvidenceItem } from './evidence.model';

const EVIDENCE_ITEMS: CursorList = { name: 'EvidenceItem(ledgerIndex)', arity: 1 };

const EVIDENCE_COLUMNS = `ev.id, ev.case_id, ev.party_id, ev.organisation_id, ev.title, ev.source, ev.sha256, ev.size_bytes, ev.content_type,
  ev.page_count, ev.ledger_index, le.leaf_hash, ev.exchanged_at, ev.submitted_at,
  coalesce((SELECT array_agg(eo.obligation_id ORDER BY eo.obligation_id) FROM evidence_obligation eo WHERE eo.evidence_id = ev.id), '{}') AS obligation_ids`;

interface EvidenceRow {
  id: string;
  case_id: string;
  party_id: string;
  organisation_id: string;
  title: string;
  source: string;
  sha256: Buffer;
  size_bytes: string;
  content_type: string;
  page_count: number | null;
  ledger_index: string;
  leaf_hash: Buffer | null;
  exchanged_at: Date | null;
  submitted_at: Date;
  obligation_ids: string[];
}

/** A party of a case as evidence submission needs it. */
export interface PartyRow {
  id: string;
  role: string;
  organisation_id: string | null;
}

/** What a new evidence item stores. */
export interface NewEvidence {
  id: string;
  caseId: string;
  partyId: string;
  organisationId: string;
  submittedBy: string;
  title: string;
  source: string;
  sha256: string;
  sizeBytes: number;
  contentType: string;
  pageCount: number | null;
  ledgerIndex: number;
}

/** The SQL of evidence items; every read goes through the visibility policy's `visibleEvidence`. */
@Injectable()
export class EvidenceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  parties(caseId: string, manager: EntityManager = this.dataSource.manager): Promise<PartyRow[]> {
    return manager.query(`SELECT id, role, organisation_id FROM case_party WHERE case_id = $1`, [caseId]);
  }

  async insert(manager: EntityManager, e: NewEvidence, obligationIds: readonly string[]): Promise<void> {
    await manager.query(
      `INSERT INTO evidence_item (id, case_id, party_id, organisation_id, submitted_by, title, source, sha256, size_bytes, content_type, page_count, ledger_index)
       VALUES ($1, $2, $3, $4, $5, $6, $7, decode($8, 'hex'), $9, $10, $11, $12)`,
      [e.id, e.caseId, e.partyId, e.organisationId, e.submittedBy, e.title, e.source, e.sha256, e.sizeBytes, e.contentType, e.pageCount, e.ledgerIndex],
    );
    if (obligationIds.length) {
      await manager.query(`INSERT INTO evidence_obligation (evidence_id, obligation_id) SELECT $1, unnest($2::uuid[])`, [e.id, obligationIds]);
    }
  }

  /** The item if `actor` may see it. */
  async findVisible(actor: Actor, id: string, manager: EntityManager = this.dataSource.manager): Promise<EvidenceItem | null> {
    return (await this.findVisibleByIds(actor, [id], manager))[0] ?? null;
  }

  /** The items among `ids` that `actor` may see (in no particular order; one query however many). */
  async findVisibleByIds(actor: Actor, ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<EvidenceItem[]> {
    const p = new SqlParams();
    const rows: EvidenceRow[] = await manager.query(
      `SELECT ${EVIDENCE_COLUMNS} FROM evidence_item ev LEFT JOIN ledger_entry le ON le.idx = ev.ledger_index
        WHERE ev.id = ANY(${p.add(ids)}::uuid[]) AND ${visibleEvidence(actor, 'ev', p)}`,
      p.values,
    );
    return rows.map(toModel);
  }

  /** The case's items `actor` may see, oldest first, keyset-paginated on their ledger index (unique, in submission order). */
  async list(actor: Actor, caseId: string, first: number, after?: string): Promise<Connection<EvidenceItem>> {
    const p = new SqlParams();
    const where = [`ev.case_id = ${p.add(caseId)}`, visibleEvidence(actor, 'ev', p)];
    const count = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM evidence_item ev WHERE ${where.join(' AND ')}`, p.values);
    if (after) where.push(`ev.ledger_index > ${p.add(decodeCursor(EVIDENCE_ITEMS, after)[0])}`);
    const rows: EvidenceRow[] = await this.dataSource.query(
      `SELECT ${EVIDENCE_COLUMNS} FROM evidence_item ev LEFT JOIN ledger_entry le ON le.idx = ev.ledger_index
        WHERE ${where.join(' AND ')} ORDER BY ev.ledger_index LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    return toConnection(EVIDENCE_ITEMS, rows.map(toModel), first, count, (e) => [Number(e.ledgerIndex)]);
  }

  /** Marks an item exchanged (once); false when it was already. */
  async markExchanged(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await returningRows(manager, `UPDATE evidence_item SET exchanged_at = now() WHERE id = $1 AND exchanged_at IS NULL RETURNING id`, [id]);
    return rows.length > 0;
  }

  /** The ids among `ids` that are obligations of case `caseId`. */
  async obligationsOfCase(caseId: string, ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    const rows: { id: string }[] = await manager.query(`SELECT id FROM obligation WHERE case_id = $1 AND id = ANY($2::uuid[])`, [caseId, ids]);
    return new Set(rows.map((r) => r.id));
  }
}

function toModel(row: EvidenceRow): EvidenceItem {
  return {
    id: row.id,
    caseId: row.case_id,
    partyId: row.party_id,
    organisationId: row.organisation_id,
    title: row.title,
    source: row.source,
    sha256: row.sha256.toString('hex'),
    sizeBytes: String(row.size_bytes),
    contentType: row.content_type,
    pageCount: row.page_count,
    ledgerIndex: String(row.ledger_index),
    leafHash: row.leaf_hash ? row.leaf_hash.toString('hex') : '',
    obligationIds: row.obligation_ids,
    exchangedAt: row.exchanged_at,
    submittedAt: row.submitted_at,
  };
}
