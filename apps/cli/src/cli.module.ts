import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, PlatformModule } from '@app/platform';
import { CasesModule } from '@app/cases';
import { ClaimantsCoreModule } from '@app/claimants';
import { ProofCoreModule } from '@app/proof';
import { DocumentsCoreModule } from '@app/documents';

/**
 * The libraries the CLI drives: the same services as the API, without HTTP. CasesModule provides
 * the case-visibility rule that enrolment checks; DocumentsCoreModule brings the classes library.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [PlatformModule.forRoot({ config, role: 'cli' }), CasesModule, ClaimantsCoreModule, ProofCoreModule, DocumentsCoreModule] };
  }
}
