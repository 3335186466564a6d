import type { ArgumentMetadata } from '@nestjs/common';
import { ArgsType, Field } from '@nestjs/graphql';
import { IsOptional, IsUUID } from 'class-validator';
import { PageArgs } from '../pagination/pagination';
import { createValidationPipe } from './validation';

@ArgsType()
class ThingsArgs extends PageArgs {
  @Field({ nullable: true })
  @IsOptional()
  @IsUUID()
  ownerId?: string;
}

/** GraphQL arguments of type `metatype`, as @nestjs/graphql hands them to the global pipe. */
const args = (metatype: ArgumentMetadata['metatype']) => ({ type: 3, metatype, data: undefined }) as unknown as ArgumentMetadata;

describe('the validation pipe on list arguments', () => {
  it('gives each valid set of arguments a fresh instance, the second time as the first', async () => {
    const pipe = createValidationPipe();
    const first = await pipe.transform({ first: 10 }, args(ThingsArgs));
    const again = await pipe.transform({ first: 10 }, args(ThingsArgs));
    expect(first).toBeInstanceOf(ThingsArgs);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });

  it('refuses what is invalid whatever valid arguments it met before: 501 rows, a malformed id, an unknown property', async () => {
    const pipe = createValidationPipe();
    for (let n = 1; n <= 3; n++) await pipe.transform({ first: n * 100, ownerId: '6f1c8a52-3a1e-4c59-9d6b-2b0f6e1d7a10' }, args(ThingsArgs));
    await expect(pipe.transform({ first: 501 }, args(ThingsArgs))).rejects.toMatchObject({ facts: { field: 'first' } });
    await expect(pipe.transform({ first: 100, ownerId: 'not-a-uuid' }, args(ThingsArgs))).rejects.toMatchObject({ facts: { field: 'ownerId' } });
    await expect(pipe.transform({ first: 100, extra: 1 }, args(ThingsArgs))).rejects.toMatchObject({ facts: { field: 'extra' } });
    // The same arguments as a class whose rules differ are judged by that class's rules.
    await expect(pipe.transform({ first: 100, ownerId: '6f1c8a52-3a1e-4c59-9d6b-2b0f6e1d7a10' }, args(PageArgs))).rejects.toMatchObject({ facts: { field: 'ownerId' } });
  });
});
