import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import { InputError } from './domain-error';

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
 * The global validation pipe: validates every input type with class-validator and turns the
 * first failure into BAD_USER_INPUT naming the field. Unknown properties are refused.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
  const value = plainToInstance(type, plain);
  const failure = firstFailure(await validate(value, { whitelist: true, forbidNonWhitelisted: true }));
  if (failure) throw new InputError(failure.field, failure.reason);
  return value;
}
