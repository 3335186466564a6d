import { createSecretKey } from 'node:crypto';
import { type DynamicModule, Global, Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditChainJob } from './audit/audit-chain.job';
import { AuditResolver } from './audit/audit.resolver';
import { AuditService } from './audit/audit.service';
import { ActorCache } from './auth/actor-cache';
import { AuthGuard } from './auth/auth.guard';
import { AuthResolver } from './auth/auth.resolver';
import { AuthService } from './auth/auth.service';
import { LoginThrottle } from './auth/login-throttle';
import { User } from './auth/user.entity';
import { UsersService } from './auth/users.service';
import { APP_CONFIG, type AppConfig } from './config/config';
import { resolveDatabaseUrl } from './database/database-url';
import { dataSourceOptions } from './database/data-source-options';
import { DemoSeed } from './demo/demo-seed';
import { DomainErrorFilter } from './errors/domain-error.filter';
import { UploadGate } from './http/request-body';
import { JobsResolver } from './jobs/jobs.resolver';
import { JobsService } from './jobs/jobs.service';
import { Organisation } from './organisations/organisation.entity';
import { OrganisationsResolver } from './organisations/organisations.resolver';
import { OrganisationsService } from './organisations/organisations.service';
import { setCursorSecret } from './pagination/pagination';

/** How the process that imports the platform uses it. */
export interface PlatformOptions {
  config: AppConfig;
  /** The API works jobs and seeds demo data; the CLI only queues jobs. */
  role: 'api' | 'cli';
}

const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');

/**
 * Config, database (migrations run on connect), auth with the deny-by-default guard, the audit
 * log, organisations and users, and the job queue. Global: every library uses these.
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Platform');

  static forRoot(options: PlatformOptions): DynamicModule {
    const { config } = options;
    setCursorSecret(config.jwtSecret);
    return {
      module: PlatformModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => ({
            ...dataSourceOptions(await resolveDatabaseUrl(config, (m) => new Logger('Database').log(m))),
            migrationsRun: true,
            autoLoadEntities: true,
          }),
        }),
        TypeOrmModule.forFeature([Organisation, User]),
        JwtModule.register({
          // A KeyObject, not a string: jsonwebtoken would otherwise try (and fail) to parse the
          // string as a public key on every verify, the API's largest per-request CPU cost.
          secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
          signOptions: { expiresIn: config.jwtTtlSeconds, algorithm: 'HS256' },
          verifyOptions: { algorithms: ['HS256'] },
        }),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: PLATFORM_OPTIONS, useValue: options },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        // The claimant-sheet upload's (staged as it arrives); a Retry-After of 10 s.
        { provide: UploadGate, useFactory: (c: AppConfig) => new UploadGate(c.uploads.maxConcurrent, 10), inject: [APP_CONFIG] },
        AuditService,
        AuditChainJob,
        ActorCache,
        AuthService,
        LoginThrottle,
        UsersService,
        OrganisationsService,
        JobsService,
        DemoSeed,
        ...(options.role === 'api' ? [AuthResolver, OrganisationsResolver, AuditResolver, JobsResolver] : []),
      ],
      exports: [APP_CONFIG, UploadGate, AuditService, AuthService, UsersService, OrganisationsService, JobsService, DemoSeed, TypeOrmModule, JwtModule],
    };
  }

  constructor(
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
    private readonly jobs: JobsService,
    private readonly demo: DemoSeed,
    private readonly actors: ActorCache,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config, role } = this.options;
    for (const warning of config.warnings) this.logger.warn(warning);
    if (role === 'api' && config.seedDemo) await this.demo.seedIfEmpty();
    const url = await resolveDatabaseUrl(config, () => undefined);
    // Only the API checks tokens; the CLI needs no cache.
    if (role === 'api') await this.actors.listen(url);
    await this.jobs.start({
      url,
      heartbeatSeconds: config.jobHeartbeatSeconds,
      superviseSeconds: config.jobSuperviseSeconds,
      work: role === 'api',
    });
  }
}
