import { ArgsType, Field, InputType } from '@nestjs/graphql';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { ConflictError } from '../errors/domain-error';
import { isUniqueViolation } from '../errors/postgres-errors';
import { type Connection, type CursorList, decodeCursor, PageArgs, toConnection } from '../pagination/pagination';
import { AdministrativeLevel, Organisation, OrganisationKind } from './organisation.entity';

const ORGANISATIONS: CursorList = { name: 'Organisation(name,id)', arity: 2 };

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

  /** Organisations by name (they are public bodies: every role may list them). */
  async list(args: OrganisationsArgs): Promise<Connection<Organisation>> {
    const query = this.dataSource.getRepository(Organisation).createQueryBuilder('o');
    if (args.kind) query.where('o.kind = :kind', { kind: args.kind });
    const page = query.clone();
    if (args.after) {
      const [name, id] = decodeCursor(ORGANISATIONS, args.after);
      page.andWhere('(o.name, o.id) > (:name, :id)', { name, id });
    }
    const [totalCount, rows] = await Promise.all([
      query.getCount(),
      page.orderBy('o.name').addOrderBy('o.id').limit(args.first + 1).getMany(),
    ]);
    return toConnection(ORGANISATIONS, rows, args.first, totalCount, (o) => [o.name, o.id]);
  }

  /** Fetches many organisations by id in one query (for DataLoader). */
  async byIds(ids: readonly string[]): Promise<Organisation[]> {
    return this.dataSource.getRepository(Organisation).createQueryBuilder('o').where('o.id = ANY(:ids)', { ids }).getMany();
  }
}
