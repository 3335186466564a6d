import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidatorOptions } from 'class-validator';
import { PageArgs } from '../pagination/pagination';
import { InputError } from './domain-error';
import { findUnstorableText, UNSTORABLE_TEXT_REASON } from './storable-text';

/** @nestjs/graphql's GqlParamtype.ARGS (not exported): the parameter type of `@Args()`. */
const GRAPHQL_ARGS = 3;

/** The parameters that carry client input: REST body, query string and route params; GraphQL arguments. */
const INPUT_PARAMETERS = new Set<unknown>(['body', 'query', 'param', GRAPHQL_ARGS]);

/** BAD_USER_INPUT naming the first string in `value` PostgreSQL cannot store (see storable-text.ts). */
function refuseUnstorableText(value: unknown, root?: string): void {
  const field = findUnstorableText(value, root);
  if (field !== undefined) throw new InputError(field, UNSTORABLE_TEXT_REASON);
}

/**
 * The global pipe runs on every argument of every resolver and REST handler, so the text check
 * lives here rather than in a String scalar (which neither covers REST nor can replace the
 * built-in String and ID of a code-first schema) or an Apollo plugin (which would walk the
 * operation against the schema again, for GraphQL only). It sees the coerced values, so inline
 * literals and variables alike, whatever the scalar (String, ID, or a custom one that parses to
 * a string), and a new resolver cannot forget it. The check runs before class-validator, which
 * sees only the declared fields, and names the field the same way.
 */
class InputPipe extends ValidationPipe {
  /**
   * The arguments of lists (PageArgs and its subclasses: a page size, a cursor, ids, enums, dates,
   * no personal data) that passed validation, as JSON by class, at most LIST_VERDICTS a class, the
   * oldest first out: a list is asked for with the same arguments again and again, its
   * validation is a pure function of their values, and class-validator's lookup of a class's
   * rules walks every validated class of the API (most of a list request's validation cost).
   */
  private readonly validListArguments = new Map<object, Set<string>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (INPUT_PARAMETERS.has(metadata.type)) refuseUnstorableText(value, typeof metadata.data === 'string' ? metadata.data : undefined);
    return super.transform(value, metadata);
  }

  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    if (!(object instanceof PageArgs)) return super.validate(object, options);
    const key = JSON.stringify(object);
    let valid = this.validListArguments.get(object.constructor);
    if (valid?.has(key)) return [];
    const errors = await super.validate(object, options);
    if (errors.length === 0 && key.length <= LIST_VERDICT_KEY_CHARS) {
      if (!valid) this.validListArguments.set(object.constructor, (valid = new Set()));
      if (valid.size >= LIST_VERDICTS) valid.delete(valid.values().next().value!);
      valid.add(key);
    }
    return errors;
  }
}

/** Most valid argument sets InputPipe remembers per list class. */
const LIST_VERDICTS = 1000;
/** Longest argument set (as JSON) it remembers: a page size, a cursor and a few filters fit. */
const LIST_VERDICT_KEY_CHARS = 1000;

/** The first failing constraint, with its dotted field path (e.g. `input.defendants.0.name`). */
function firstFailure(errors: ValidationError[], prefix = ''): { field: string; reason: string } | undefined {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const reason = error.constraints && Object.values(error.constraints)[0];
    if (reason) return { field, reason };
    const nested = firstFailure(error.children ?? [], field);
    if (nested) return nested;
  }
  return undefined;
}

/**
 * The global validation pipe: refuses text PostgreSQL cannot store (NUL, unpaired surrogates)
 * in any argument, validates every input type with class-validator and turns the first failure
 * into BAD_USER_INPUT naming the field. Unknown properties are refused.
 */
export function createValidationPipe(): ValidationPipe {
  return new InputPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    validateCustomDecorators: false,
    exceptionFactory: (errors) => {
      const failure = firstFailure(errors) ?? { field: 'input', reason: 'is invalid' };
      return new InputError(failure.field, failure.reason);
    },
  });
}

/**
 * Validates a plain object against an input class outside GraphQL (the CLI, jobs), with the
 * same rules and the same BAD_USER_INPUT error as the API.
 */
export async function validateInput<T extends object>(type: ClassConstructor<T>, plain: unknown): Promise<T> {
  refuseUnstorableText(plain);
  const value = plainToInstance(type, plain);
  const failure = firstFailure(await validate(value, { whitelist: true, forbidNonWhitelisted: true }));
  if (failure) throw new InputError(failure.field, failure.reason);
  return value;
}
