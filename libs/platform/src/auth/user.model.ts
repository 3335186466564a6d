import { applyDecorators } from '@nestjs/common';
import { ArgsType, Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { IsEmail, IsEnum, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { Organisation } from '../organisations/organisation.entity';
import { Role } from './role';

/** A user as the API shows them (no password hash). */
@ObjectType('User')
export class UserModel {
  @Field(() => ID)
  id: string;

  @Field()
  email: string;

  @Field()
  displayName: string;

  @Field(() => Role)
  role: Role;

  @Field(() => Organisation)
  organisation: Organisation;

  @Field(() => Date, { nullable: true, description: 'Set while the user is disabled: no login, no token works' })
  disabledAt: Date | null;
}

/** The password rules, for every input that sets a password (API and CLI alike). */
export const PasswordField = (description = 'At least 12 characters') =>
  applyDecorators(Field({ description }), IsString(), MinLength(12), MaxLength(200));

@ObjectType()
export class LoginResult {
  @Field({ description: 'Send as `Authorization: Bearer <token>`' })
  token: string;

  @Field({ description: 'When the token stops working' })
  expiresAt: Date;

  @Field(() => UserModel)
  user: UserModel;
}

@InputType()
export class CreateUserInput {
  @Field()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @Field()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName: string;

  @PasswordField()
  password: string;

  @Field(() => Role)
  @IsEnum(Role)
  role: Role;

  @Field()
  @IsUUID()
  organisationId: string;
}

@ArgsType()
export class UserIdArgs {
  @Field(() => ID)
  @IsUUID()
  id: string;
}

@ArgsType()
export class DisableUserArgs extends UserIdArgs {
  @Field({ description: 'Why, for the audit log' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason: string;
}

@ArgsType()
export class SetUserPasswordArgs extends UserIdArgs {
  @PasswordField()
  password: string;
}

@ArgsType()
export class ChangePasswordArgs {
  @Field()
  @IsString()
  @MaxLength(200)
  currentPassword: string;

  @PasswordField()
  newPassword: string;
}
