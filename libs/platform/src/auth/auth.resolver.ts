import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { ArgsType, Field } from '@nestjs/graphql';
import type { Actor } from './actor';
import { Allow, ANY_ROLE, CurrentActor, Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { Role } from './role';
import { CreateUserInput, LoginResult, UserModel } from './user.model';
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
  @Mutation(() => LoginResult, { description: 'Exchange email and password for a bearer token' })
  login(@Args() { email, password }: LoginArgs): Promise<LoginResult> {
    return this.auth.login(email, password);
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
}
