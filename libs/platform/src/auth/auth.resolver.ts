import { Args, ArgsType, Context, Field, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import type { GraphqlContext } from '../graphql/loaders';
import type { Actor } from './actor';
import { Allow, ANY_ROLE, CurrentActor, Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { Role } from './role';
import { ChangePasswordArgs, CreateUserInput, DisableUserArgs, LoginResult, SetUserPasswordArgs, UserIdArgs, UserModel } from './user.model';
import { UsersService } from './users.service';

@ArgsType()
class LoginArgs {
  @Field()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @Field()
  @IsString()
  @MaxLength(200)
  password: string;
}

@Resolver(() => UserModel)
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Mutation(() => LoginResult, {
    description: 'Exchange email and password for a bearer token. Throttled per account and per client address after repeated failures',
  })
  login(@Args() { email, password }: LoginArgs, @Context() { req }: GraphqlContext): Promise<LoginResult> {
    return this.auth.login(email, password, req.ip);
  }

  @Allow(...ANY_ROLE)
  @Query(() => UserModel, { description: 'The logged-in user, with role and organisation' })
  me(@CurrentActor() actor: Actor): Promise<UserModel> {
    return this.users.findModel(actor.userId);
  }

  @Allow(Role.ADMIN)
  @Mutation(() => UserModel)
  createUser(@CurrentActor() actor: Actor, @Args('input') input: CreateUserInput): Promise<UserModel> {
    return this.users.create(input, actor);
  }

  @Allow(Role.ADMIN)
  @Mutation(() => UserModel, { description: 'Stop a user: no login, every token refused at once. Refused for the last active ADMIN' })
  disableUser(@CurrentActor() actor: Actor, @Args() { id, reason }: DisableUserArgs): Promise<UserModel> {
    return this.users.disable(id, reason, actor);
  }

  @Allow(Role.ADMIN)
  @Mutation(() => UserModel, { description: 'Let a disabled user log in again (tokens from before the disabling stay refused)' })
  enableUser(@CurrentActor() actor: Actor, @Args() { id }: UserIdArgs): Promise<UserModel> {
    return this.users.enable(id, actor);
  }

  @Allow(Role.ADMIN)
  @Mutation(() => UserModel, { description: 'Refuse every token issued to the user so far; a new login works' })
  revokeUserTokens(@CurrentActor() actor: Actor, @Args() { id }: UserIdArgs): Promise<UserModel> {
    return this.users.revokeTokens(id, actor);
  }

  @Allow(Role.ADMIN)
  @Mutation(() => UserModel, { description: "Set a user's password; revokes their tokens" })
  setUserPassword(@CurrentActor() actor: Actor, @Args() { id, password }: SetUserPasswordArgs): Promise<UserModel> {
    return this.users.setPassword(id, password, actor);
  }

  @Allow(...ANY_ROLE)
  @Mutation(() => LoginResult, { description: 'Change your own password; every token issued so far stops, the one returned works' })
  changePassword(@CurrentActor() actor: Actor, @Args() { currentPassword, newPassword }: ChangePasswordArgs): Promise<LoginResult> {
    return this.auth.changePassword(actor, currentPassword, newPassword);
  }
}
