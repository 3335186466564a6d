import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Kinds of organisation that use leakcase; standing rules in libs/cases key on these. */
export enum OrganisationKind {
  PROCURATORATE = 'PROCURATORATE',
  CONSUMER_ASSOCIATION = 'CONSUMER_ASSOCIATION',
  /** Designated by the national cyberspace authority (PIPL art. 70). */
  DESIGNATED_ORGANISATION = 'DESIGNATED_ORGANISATION',
  COURT = 'COURT',
  /** Whoever runs this leakcase installation; its ADMINs manage users and have no standing. */
  OPERATOR = 'OPERATOR',
}

/** Administrative level; consumer-association standing depends on it (CRPL art. 47). */
export enum AdministrativeLevel {
  NATIONAL = 'NATIONAL',
  PROVINCIAL = 'PROVINCIAL',
  PREFECTURAL = 'PREFECTURAL',
  COUNTY = 'COUNTY',
}

registerEnumType(OrganisationKind, { name: 'OrganisationKind' });
registerEnumType(AdministrativeLevel, { name: 'AdministrativeLevel' });

/** An organisation: every user belongs to exactly one, and data is scoped to it. */
@ObjectType()
@Entity('organisation')
export class Organisation {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Field()
  @Column('text')
  name: string;

  @Field(() => OrganisationKind)
  @Column({ type: 'enum', enum: OrganisationKind, enumName: 'organisation_kind' })
  kind: OrganisationKind;

  @Field(() => AdministrativeLevel, { nullable: true })
  @Column({ type: 'enum', enum: AdministrativeLevel, enumName: 'administrative_level', nullable: true })
  level: AdministrativeLevel | null;

  @Field()
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
