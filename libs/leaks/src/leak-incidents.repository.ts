import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Connection, countStatement, type CursorList, decodeCursor, returningRows, SqlParams, toConnection, type Viewer, visibleIncident } from '@app/platform';
import { type DataCategory, isSensitive } from './rules/data-categories';
import type { DiscoveryChannel, HandlerRole, LeakIncident, LeakIncidentFilter } from './leak-incident.model';

const LEAK_INCIDENTS: CursorList = { name: 'LeakIncident(id)', arity: 1 };

/** The columns of a LeakIncident, for `alias`; dates as text so no time zone touches them. */
export function leakIncidentColumns(alias: string): string {
  return ['id', 'organisation_id', 'handler_name', 'handler_credit_code', 'handler_role', 'involves_sensitive_data', 'discovery_channel', 'created_at']
    .map((c) => `${alias}.${c}`)
    .concat([
      `${alias}.data_categories::text[] AS data_categories`,
      `${alias}.exposure_start::text AS exposure_start`,
      `${alias}.exposure_end::text AS exposure_end`,
      `${alias}.discovered_on::text AS discovered_on`,
      `${alias}.estimated_records::text AS estimated_records`,
      `${alias}.estimated_people::text AS estimated_people`,
    ])
    .join(', ');
}

export interface LeakIncidentRow {
  id: string;
  organisation_id: string;
  handler_name: string;
  handler_credit_code: string | null;
  handler_role: HandlerRole;
  data_categories: DataCategory[];
  involves_sensitive_data: boolean;
  exposure_start: string;
  exposure_end: string | null;
  discovered_on: string;
  discovery_channel: DiscoveryChannel;
  estimated_records: string | null;
  estimated_people: string | null;
  created_at: Date;
}

export function toLeakIncident(row: LeakIncidentRow): LeakIncident {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    handler: { name: row.handler_name, unifiedSocialCreditCode: row.handler_credit_code, role: row.handler_role },
    dataCategories: row.data_categories.map((category) => ({ category, sensitive: isSensitive(category) })),
    involvesSensitiveData: row.involves_sensitive_data,
    exposureStart: row.exposure_start,
    exposureEnd: row.exposure_end,
    discoveredOn: row.discovered_on,
    discoveryChannel: row.discovery_channel,
    estimatedRecords: row.estimated_records === null ? null : Number(row.estimated_records),
    estimatedPeople: row.estimated_people === null ? null : Number(row.estimated_people),
    createdAt: row.created_at,
  };
}

export type NewLeakIncident = Omit<LeakIncidentRow, 'id' | 'created_at'> & { created_by: string };

/** The SQL of leak incidents. Every read goes through the visibility rule (visibleIncident). */
@Injectable()
export class LeakIncidentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, row: NewLeakIncident): Promise<LeakIncident> {
    const [inserted] = await manager.query(
      `INSERT INTO leak_incident (organisation_id, created_by, handler_name, handler_credit_code, handler_role,
         data_categories, involves_sensitive_data, exposure_start, exposure_end, discovered_on, discovery_channel,
         estimated_records, estimated_people)
       VALUES ($1, $2, $3, $4, $5, $6::data_category[], $7, $8, $9, $10, $11, $12, $13)
       RETURNING ${leakIncidentColumns('leak_incident')}`,
      [
        row.organisation_id, row.created_by, row.handler_name, row.handler_credit_code, row.handler_role,
        row.data_categories, row.involves_sensitive_data, row.exposure_start, row.exposure_end, row.discovered_on,
        row.discovery_channel, row.estimated_records, row.estimated_people,
      ],
    );
    return toLeakIncident(inserted);
  }

  /** The incident, if `actor` may see it (visibleIncident: its registrant, the parties and court of a linked case). */
  async findVisible(actor: Viewer, id: string, manager: EntityManager = this.dataSource.manager): Promise<LeakIncident | null> {
    const p = new SqlParams();
    const [row] = await manager.query(
      `SELECT ${leakIncidentColumns('i')} FROM leak_incident i WHERE i.id = ${p.add(id)} AND ${visibleIncident(actor, 'i', p)}`,
      p.values,
    );
    return row ? toLeakIncident(row) : null;
  }

  /** Of `ids`, those `actor` may see (visibleIncident): the incidents it may link to its cases. */
  async visibleIds(manager: EntityManager, actor: Viewer, ids: readonly string[]): Promise<Set<string>> {
    const p = new SqlParams();
    const rows: { id: string }[] = await manager.query(
      `SELECT i.id FROM leak_incident i WHERE i.id = ANY(${p.add(ids)}::uuid[]) AND ${visibleIncident(actor, 'i', p)}`,
      p.values,
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Whether `organisationId` registered incident `id`, locking the incident's row for the rest of the transaction. */
  async lockOwned(manager: EntityManager, organisationId: string, id: string): Promise<boolean> {
    const rows = await manager.query(`SELECT 1 FROM leak_incident WHERE id = $1 AND organisation_id = $2 FOR UPDATE`, [id, organisationId]);
    return rows.length > 0;
  }

  /** Shares incident `id` with `organisationIds`; returns those it was not shared with already. */
  async share(manager: EntityManager, id: string, organisationIds: readonly string[], sharedBy: string): Promise<string[]> {
    const rows: { organisation_id: string }[] = await manager.query(
      `INSERT INTO leak_incident_share (incident_id, organisation_id, shared_by)
       SELECT $1, o, $3 FROM unnest($2::uuid[]) o
       ON CONFLICT (incident_id, organisation_id) DO NOTHING RETURNING organisation_id`,
      [id, organisationIds, sharedBy],
    );
    return rows.map((r) => r.organisation_id);
  }

  /** How many organisations incident `id` is shared with. */
  async shareCount(manager: EntityManager, id: string): Promise<number> {
    const [row] = await manager.query(`SELECT count(*)::int AS count FROM leak_incident_share WHERE incident_id = $1`, [id]);
    return row.count;
  }

  /** Stops sharing incident `id` with `organisationIds`; returns those it was shared with. */
  async unshare(manager: EntityManager, id: string, organisationIds: readonly string[]): Promise<string[]> {
    const rows = await returningRows<{ organisation_id: string }>(
      manager,
      `DELETE FROM leak_incident_share WHERE incident_id = $1 AND organisation_id = ANY($2::uuid[]) RETURNING organisation_id`,
      [id, organisationIds],
    );
    return rows.map((r) => r.organisation_id);
  }

  /** The organisations each of `incidentIds` is shared with, oldest share first (for a per-request loader). */
  async sharesOf(incidentIds: readonly string[]): Promise<{ incidentId: string; organisationId: string }[]> {
    const rows: { incident_id: string; organisation_id: string }[] = await this.dataSource.query(
      `SELECT incident_id, organisation_id FROM leak_incident_share WHERE incident_id = ANY($1::uuid[]) ORDER BY shared_at, organisation_id`,
      [incidentIds],
    );
    return rows.map((r) => ({ incidentId: r.incident_id, organisationId: r.organisation_id }));
  }

  /**
   * The incidents `actor` may see (visibleIncident), newest first, keyset-paginated on
   * (created_at, id); each filter has an index in the migration.
   */
  async list(actor: Viewer, filter: LeakIncidentFilter, first: number, after?: string): Promise<Connection<LeakIncident>> {
    const p = new SqlParams();
    const where = [visibleIncident(actor, 'i', p)];
    const add = (sql: string, ...values: unknown[]) => {
      let text = sql;
      for (const value of values) text = text.replace('?', p.add(value));
      where.push(text);
    };
    if (filter.search) {
      const prefix = filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
      add(`(lower(i.handler_name) LIKE ? OR i.handler_credit_code = ?)`, prefix, filter.search.toUpperCase());
    }
    if (filter.handlerRole) add('i.handler_role = ?', filter.handlerRole);
    if (filter.dataCategory) add('i.data_categories @> ARRAY[?]::data_category[]', filter.dataCategory);
    if (filter.sensitiveOnly) where.push('i.involves_sensitive_data');
    if (filter.discoveryChannel) add('i.discovery_channel = ?', filter.discoveryChannel);
    if (filter.discoveredFrom) add('i.discovered_on >= ?', filter.discoveredFrom);
    if (filter.discoveredTo) add('i.discovered_on <= ?', filter.discoveredTo);

    const count = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM leak_incident i WHERE ${where.join(' AND ')}`, p.values);
    if (after) {
      // The cursor is the last row's id; its created_at is read back at full (microsecond) precision.
      const [id] = decodeCursor(LEAK_INCIDENTS, after);
      add('(i.created_at, i.id) < (SELECT c.created_at, c.id FROM leak_incident c WHERE c.id = ?::uuid)', id);
    }
    const limit = p.add(first + 1);
    const rows: LeakIncidentRow[] = await this.dataSource.query(
      `SELECT ${leakIncidentColumns('i')} FROM leak_incident i WHERE ${where.join(' AND ')}
        ORDER BY i.created_at DESC, i.id DESC LIMIT ${limit}`,
      p.values,
    );
    return toConnection(LEAK_INCIDENTS, rows.map(toLeakIncident), first, count, (i) => [i.id]);
  }
}
