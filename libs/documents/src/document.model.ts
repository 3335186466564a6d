import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { ConnectionType, Job, PageArgs } from '@app/platform';
import { DocumentFormat, DocumentKind, DocumentLanguage } from './rules/document-kinds';

registerEnumType(DocumentKind, { name: 'DocumentKind', description: 'The filing documents (domain.md section 7)' });
registerEnumType(DocumentLanguage, { name: 'DocumentLanguage' });
registerEnumType(DocumentFormat, { name: 'DocumentFormat', description: 'PDF for filing; XLSX for the roster and the composition report' });

/** One version of a generated document. Download it with `GET /documents/:id`. */
@ObjectType('Document')
export class DocumentModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  caseId: string;

  @Field(() => ID, { description: 'The organisation that generated it, in whose view (its own enrolments, or the court\'s merged view)' })
  organisationId: string;

  @Field(() => DocumentKind)
  kind: DocumentKind;

  @Field(() => DocumentLanguage)
  language: DocumentLanguage;

  @Field(() => DocumentFormat)
  format: DocumentFormat;

  @Field(() => Int, { description: 'From 1, per case, organisation, kind, language and format; regenerating adds one' })
  version: number;

  @Field({ description: 'SHA-256 of the file, hex' })
  sha256: string;

  @Field(() => Int, { description: 'Size of the file in bytes' })
  sizeBytes: number;

  @Field(() => Int, { nullable: true, description: 'Pages (PDF only)' })
  pageCount: number | null;

  @Field(() => ID, { nullable: true })
  createdBy: string | null;

  @Field(() => ID, { nullable: true, description: 'The job that generated it (a large roster)' })
  jobId: string | null;

  @Field(() => String, { nullable: true, description: 'Position (0-based) of its entry in the evidence log; null only for a document made before the log existed, until the next startup appends it' })
  logIndex: string | null;

  @Field()
  createdAt: Date;

  /** Where the file is, relative to the documents directory (not in the API). */
  storageName: string;
}

export const DocumentConnection = ConnectionType(DocumentModel);

/** What generateDocument did: the document made at once, or the job making a large one. */
@ObjectType()
export class DocumentGeneration {
  @Field(() => DocumentModel, { nullable: true, description: 'Set when the document was generated at once' })
  document: DocumentModel | null;

  @Field(() => Job, { nullable: true, description: 'Set for a large roster: its job (the result names the document id)' })
  job: Job | null;
}

@InputType()
export class GenerateDocumentInput {
  @Field(() => ID)
  @IsUUID()
  caseId: string;

  @Field(() => DocumentKind)
  @IsEnum(DocumentKind)
  kind: DocumentKind;

  @Field(() => DocumentLanguage)
  @IsEnum(DocumentLanguage)
  language: DocumentLanguage;

  @Field(() => DocumentFormat, { defaultValue: DocumentFormat.PDF })
  @IsOptional()
  @IsEnum(DocumentFormat)
  format: DocumentFormat = DocumentFormat.PDF;
}

@ArgsType()
export class CaseDocumentsArgs extends PageArgs {
  @Field(() => ID)
  @IsUUID()
  caseId: string;

  @Field(() => DocumentKind, { nullable: true })
  @IsOptional()
  @IsEnum(DocumentKind)
  kind?: DocumentKind;
}
