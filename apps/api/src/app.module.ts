import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Logger } from 'pino';
import { type AppConfig, createValidationPipe, formatGraphqlError, type GraphqlContext, Loaders, PlatformModule, StrictDateTime } from '@app/platform';
import { CasesModule } from '@app/cases';
import { LeaksModule } from '@app/leaks';
import { ClaimantsModule } from '@app/claimants';
import { ClassesModule } from '@app/classes';
import { costLimitPlugin } from './cost-limit';
import { ProofModule } from '@app/proof';
import { DocumentsModule } from '@app/documents';
import { RemediesModule } from '@app/remedies';
import { MAX_TOKENS, refuseDeepDocument } from './document-limits';
import { offlineLandingPage } from './graphiql';
import { HealthController } from './health.controller';
import { graphqlOperationPlugin } from './request-log';

/**
 * The API: GraphQL at /graphql with document size and nesting limits enforced before parsing,
 * query depth, alias and cost limits before execution, the global validation pipe, and one
 * error formatter. Introspection and GraphiQL as configured (off in production by default).
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    const armor = new ApolloArmor({
      maxDepth: { n: config.graphql.maxDepth },
      maxAliases: { n: config.graphql.maxAliases },
      // Its cost rule runs at validation, before the variables are known, so a page size passed
      // as a variable cost 1: costLimitPlugin computes the same cost with them instead.
      costLimit: { enabled: false },
      maxDirectives: { n: 20 },
      // Its token limit re-parses the document in a plugin hook, where a refusal (or the parser's
      // stack overflow) is an HTTP 500: graphql-js's own limit (parseOptions) is a 400. Its
      // suggestion mask misses enum values: formatGraphqlError hides them all.
      maxTokens: { enabled: false },
      blockFieldSuggestion: { enabled: false },
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
          // Every Date input through the strict DateTime: a day that does not exist is refused, not rolled over.
          buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: StrictDateTime }] },
          // Not Nest's GraphiQL (from a CDN): ours, from node_modules, when configured; otherwise
          // Nest installs Apollo's disabled landing page.
          graphiql: false,
          playground: false,
          introspection: config.graphql.introspection,
          includeStacktraceInErrorResponses: false,
          parseOptions: { maxTokens: MAX_TOKENS },
          validationRules: armor.validationRules,
          // The cast bridges the CommonJS and ESM type declarations of @apollo/server (same runtime object).
          // No field has a cache hint and no answer is cacheable, so Apollo's default cache-control
          // plugin would only wrap every field's resolver (a call per field of every row) for nothing.
          plugins: [ApolloServerPluginCacheControlDisabled(), ...armor.plugins, costLimitPlugin(config.graphql.maxCost), graphqlOperationPlugin, ...(config.graphql.graphiql ? [offlineLandingPage] : [])] as unknown as ApolloDriverConfig['plugins'],
          allowBatchedHttpRequests: false,
          context: ({ req }: { req: GraphqlContext['req'] }): GraphqlContext => {
            refuseDeepDocument(req.method === 'GET' ? req.query.query : req.body?.query);
            return { req, loaders: new Loaders() };
          },
          formatError: formatGraphqlError(logger, { hideSuggestions: !config.graphql.introspection }),
        }),
        LeaksModule,
        CasesModule,
        ClaimantsModule,
        ClassesModule,
        ProofModule,
        DocumentsModule,
        RemediesModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_PIPE, useFactory: createValidationPipe }],
    };
  }
}
