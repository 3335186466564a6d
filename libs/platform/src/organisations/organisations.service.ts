import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { ConflictError } from '../errors/domain-error';
import { queryNamed } from '../database/named-statement';
import { isUniqueViolation } from '../errors/postgres-errors';
import { type Connection, countStatement, type CursorList, decodeCursor, PageArgs, toConnection } from '../pagination/pagination';
import { AdministrativeLevel, Organisation, OrganisationKind } from './organisation.entity';

const ORGANISATIONS: CursorList = { name: 'Organisation(name,id)', arity: 2 };

/** An `organisation` row as selected by list() (`created_at` only when asked for). */
interface OrganisationRow {
  id: string;
  name: string;
  kind: OrganisationKind;
  level: AdministrativeLevel | null;
  created_at?: Date;
}

const toOrganisation = (row: OrganisationRow): Organisation =>
  Object.assign(new Organisation(), { id: row.id, name: row.name, kind: row.kind, level: row.level, createdAt: row.created_at });

@InputType()
export class CreateOrganisationInput {
  @Field()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name: string;

  @Field(() => OrganisationKind)
  @IsEnum(OrganisationKind)
  kind: OrganisationKind;

  @Field(() => AdministrativeLevel, { nullable: true })
  @IsOptional()
  @IsEnum(AdministrativeLevel)
  level?: AdministrativeLevel;
}

@ArgsType()
export class OrganisationsArgs extends PageArgs {
  @Field(() => OrganisationKind, { nullable: true })
  @IsOptional()
  @IsEnum(OrganisationKind)
  kind?: OrganisationKind;
}

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** CONFLICT when the name is taken. */
  async create(input: CreateOrganisationInput, actor: Actor | null, manager?: EntityManager): Promise<Organisation> {
    if (!manager) return this.dataSource.transaction((m) => this.create(input, actor, m));
    try {
      const organisation = await manager.save(
        manager.create(Organisation, { name: input.name, kind: input.kind, level: input.level ?? null }),
      );
      await this.audit.record(manager, actor, {
        action: 'organisation.create',
        subjectType: 'Organisation',
        subjectId: organisation.id,
        details: { kind: organisation.kind, level: organisation.level },
      });
      return organisation;
    } catch (error) {
      if (isUniqueViolation(error, 'organisation_name_key')) {
        throw new ConflictError('An organisation with this name already exists', { field: 'name' });
      }
      throw error;
    }
  }

  /**
   * Organisations by name (they are public bodies: every role may list them). With `count` (the
   * caller reads totalCount) the page and the count of the filtered list come in one statement;
   * without it, the count is a statement of its own, run only if totalCount is read after all.
   * Without `createdAt` (the caller does not read it) each organisation's createdAt is left
   * undefined: a timestamp read and parsed per row is a good part of a page's cost.
   */
  async list(args: OrganisationsArgs, { count = true, createdAt = true }: { count?: boolean; createdAt?: boolean } = {}): Promise<Connection<Organisation>> {
    const params: unknown[] = [];
    const filters: string[] = [];
    if (args.kind) filters.push(`o.kind = $${params.push(args.kind)}`);
    const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');
    const counting = `SELECT count(*)::int AS count FROM organisation o ${where(filters)}`;
    const counted = countStatement(this.dataSource, counting, params);
    const keyset = [...filters];
    if (args.after) {
      const [name, id] = decodeCursor(ORGANISATIONS, args.after);
      keyset.push(`(o.name, o.id) > ($${params.push(name)}, $${params.push(id)})`);
    }
    const page = `SELECT o.id, o.name, o.kind, o.level${createdAt ? ', o.created_at' : ''} FROM organisation o ${where(keyset)}
                  ORDER BY o.name, o.id LIMIT $${params.push(args.first + 1)}`;
    // With the count, an empty page still gives one row (its columns null) carrying the total.
    const rows = await queryNamed<OrganisationRow & { count?: number }>(
      this.dataSource,
      count ? `SELECT c.count, p.* FROM (${counting}) c LEFT JOIN LATERAL (${page}) p ON true` : page,
      params,
    );
    const organisations = rows.filter((row) => row.id !== null).map(toOrganisation);
    return toConnection(ORGANISATIONS, organisations, args.first, count ? rows[0].count! : counted, (o) => [o.name, o.id]);
  }

  /** Fetches many organisations by id in one query (for DataLoader). */
  async byIds(ids: readonly string[]): Promise<Organisation[]> {
    return this.dataSource.getRepository(Organisation).createQueryBuilder('o').where('o.id = ANY(:ids)', { ids }).getMany();
  }
}
