import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { ConnectionType, PageArgs } from '@app/platform';

/** An evidence item as the API shows it. The file itself is at `GET /evidence/:id/file`. */
@ObjectType()
export class EvidenceItem {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  caseId: string;

  @Field(() => ID, { description: 'The party that produced it (a plaintiff-side organisation, or a defendant or agency whose submission the court recorded)' })
  partyId: string;

  @Field(() => ID, { description: 'The organisation whose user submitted it' })
  organisationId: string;

  @Field()
  title: string;

  @Field({ description: 'Where it comes from (e.g. "police seizure record", "the defendant\'s consent logs")' })
  source: string;

  @Field({ description: 'SHA-256 of the file, hex: its name in the evidence store' })
  sha256: string;

  @Field({ description: 'Size of the file in bytes (a bigint, as a string)' })
  sizeBytes: string;

  @Field({ description: 'Sniffed from the bytes: application/pdf, image/png, image/jpeg, DOCX, XLSX, application/zip, text/plain; charset=utf-8 or application/octet-stream' })
  contentType: string;

  @Field(() => Int, { nullable: true, description: 'Pages of a PDF, when its page objects are readable' })
  pageCount: number | null;

  @Field({ description: 'Position of its entry in the evidence log (0-based; a bigint, as a string)' })
  ledgerIndex: string;

  @Field({ description: 'RFC 9162 leaf hash of its log entry, hex' })
  leafHash: string;

  @Field(() => [ID], { description: 'The burden-of-proof obligations it addresses' })
  obligationIds: string[];

  @Field(() => Date, { nullable: true, description: 'When the court exchanged it to the other parties (then they see it too)' })
  exchangedAt: Date | null;

  @Field()
  submittedAt: Date;
}

/** A page of evidence items. */
export const EvidenceItemConnection = ConnectionType(EvidenceItem);

/** `evidenceItems(caseId, first, after)`. */
@ArgsType()
export class EvidenceItemsArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  caseId: string;
}
