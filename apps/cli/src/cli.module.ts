import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, PlatformModule } from '@app/platform';
import { ClaimantsCoreModule } from '@app/claimants';

/** The libraries the CLI drives: the same services as the API, without GraphQL or HTTP. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: CliModule, imports: [PlatformModule.forRoot({ config, role: 'cli' }), ClaimantsCoreModule] };
  }
}
