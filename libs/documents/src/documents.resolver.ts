import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Actor, Allow, type Connection, CurrentActor, Role } from '@app/platform';
import { CaseDocumentsArgs, DocumentConnection, DocumentGeneration, DocumentModel, GenerateDocumentInput } from './document.model';
import { DocumentsService } from './documents.service';

/** Whoever may see a case may make and list its documents (the kinds table narrows by kind). */
const CASE_ROLES = [Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE];

@Resolver(() => DocumentModel)
export class DocumentsResolver {
  constructor(private readonly service: DocumentsService) {}

  /** Generates a new version of a document in the caller's view; a large roster is a job. */
  @Allow(...CASE_ROLES)
  @Mutation(() => DocumentGeneration)
  generateDocument(@CurrentActor() actor: Actor, @Args('input') input: GenerateDocumentInput): Promise<DocumentGeneration> {
    return this.service.generate(actor, input);
  }

  /** The caller's organisation's documents of a case, every version, newest first. */
  @Allow(...CASE_ROLES)
  @Query(() => DocumentConnection)
  caseDocuments(@CurrentActor() actor: Actor, @Args() args: CaseDocumentsArgs): Promise<Connection<DocumentModel>> {
    return this.service.list(actor, args.caseId, args.kind, args.first, args.after);
  }
}
