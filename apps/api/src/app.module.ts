import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Logger } from 'pino';
import { type AppConfig, createValidationPipe, formatGraphqlError, type GraphqlContext, Loaders, PlatformModule } from '@app/platform';
import { CasesModule } from '@app/cases';
import { LeaksModule } from '@app/leaks';
import { ClaimantsModule } from '@app/claimants';
import { ClassesModule } from '@app/classes';
import { offlineLandingPage } from './graphiql';
import { HealthController } from './health.controller';
import { graphqlOperationPlugin } from './request-log';

/**
 * The API: GraphQL at /graphql with query depth, alias and cost limits enforced before execution,
 * the global validation pipe, and one error formatter.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    const armor = new ApolloArmor({
      maxDepth: { n: config.graphql.maxDepth },
      maxAliases: { n: config.graphql.maxAliases },
      costLimit: { maxCost: config.graphql.maxCost },
      maxDirectives: { n: 20 },
      maxTokens: { n: 5000 },
      blockFieldSuggestion: { enabled: config.production },
    }).protect();
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ config, role: 'api' }),
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          graphiql: false,
          playground: false,
          introspection: true,
          includeStacktraceInErrorResponses: false,
          validationRules: armor.validationRules,
          // The cast bridges the CommonJS and ESM type declarations of @apollo/server (same runtime object).
          plugins: [...armor.plugins, offlineLandingPage, graphqlOperationPlugin] as unknown as ApolloDriverConfig['plugins'],
          allowBatchedHttpRequests: false,
          context: ({ req }: { req: GraphqlContext['req'] }): GraphqlContext => ({ req, loaders: new Loaders() }),
          formatError: formatGraphqlError(logger),
        }),
        LeaksModule,
        CasesModule,
        ClaimantsModule,
        ClassesModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_PIPE, useFactory: createValidationPipe }],
    };
  }
}
