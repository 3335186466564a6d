import { Module } from '@nestjs/common';
import { ClassesModule } from '@app/classes';
import { ProofCoreModule } from '@app/proof';
import { RemediesModule } from '@app/remedies';
import { DocumentsController } from './documents.controller';
import { DocumentsRepository } from './documents.repository';
import { DocumentsResolver } from './documents.resolver';
import { DocumentsService } from './documents.service';

const SERVICES = [DocumentsRepository, DocumentsService];

/**
 * Filing documents (PDF with pdfkit and Source Han Sans SC, XLSX with exceljs), in Chinese and
 * English. Sits above classes (composition, anomalies, decisions), remedies (the remedy schedule)
 * and cases (visibility, parties), and appends every document to the evidence log of the proof library.
 */
@Module({
  imports: [ClassesModule, ProofCoreModule, RemediesModule],
  providers: [...SERVICES, DocumentsResolver],
  controllers: [DocumentsController],
  exports: SERVICES,
})
export class DocumentsModule {}

/** The same services without GraphQL or HTTP, for the CLI. */
@Module({ imports: [ClassesModule, ProofCoreModule, RemediesModule], providers: SERVICES, exports: SERVICES })
export class DocumentsCoreModule {}
