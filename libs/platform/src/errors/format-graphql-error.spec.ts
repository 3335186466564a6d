import { buildSchema, getVariableValues, GraphQLError, parse, validate, type OperationDefinitionNode } from 'graphql';
import type { Logger } from 'pino';
import { formatGraphqlError } from './format-graphql-error';

const schema = buildSchema(`
  enum Kind { COURT }
  input PersonInput { name: String!  idNumber: String!  phone: String!  kind: Kind }
  type Query { person(input: PersonInput): String }
`);

const ID_NUMBER = '310104198807120020';
const PHONE = '13917254836';
const logger = { error: jest.fn() } as unknown as Logger;

/** The formatted error of coercing `input` into `$i: PersonInput!`, as Apollo passes it (BAD_USER_INPUT, the coercion's error as originalError). */
function coercionError(input: unknown): { message: string; code: unknown } {
  const operation = parse(`query($i: PersonInput!) { person(input: $i) }`).definitions[0] as OperationDefinitionNode;
  const { errors } = getVariableValues(schema, operation.variableDefinitions ?? [], { i: input }) as { errors: GraphQLError[] };
  const raw = errors[0];
  const error = new GraphQLError(raw.message, { originalError: raw.originalError ?? raw, extensions: { code: 'BAD_USER_INPUT' } });
  const formatted = formatGraphqlError(logger, { hideSuggestions: true })({ message: error.message, extensions: { code: 'BAD_USER_INPUT' } }, error);
  return { message: formatted.message, code: formatted.extensions?.code };
}

const person = { name: '王芳', idNumber: ID_NUMBER, phone: PHONE };

describe('input coercion errors name the path and the rule, never the value', () => {
  it('an unknown field: names the field and the type, not the object holding the ID number and phone', () => {
    const { message, code } = coercionError({ ...person, foo: 1 });
    expect(code).toBe('BAD_USER_INPUT');
    expect(message).toBe('Variable "$i" got invalid value; Field "foo" is not defined by type "PersonInput".');
  });

  it('an ID number sent as a number: names the path, not the number', () => {
    const { message } = coercionError({ ...person, idNumber: 310104198807120000 });
    expect(message).toBe('Variable "$i" got invalid value at "i.idNumber"; String cannot represent a non string value.');
  });

  it('a missing field and a bad enum value: no value of the object, not even the enum string sent', () => {
    expect(coercionError({ name: '王芳', idNumber: ID_NUMBER }).message).toBe(
      'Variable "$i" got invalid value; Field "phone" of required type "String!" was not provided.',
    );
    expect(coercionError({ ...person, kind: PHONE }).message).toBe('Variable "$i" got invalid value at "i.kind"; Value does not exist in "Kind" enum.');
  });

  it('a key that is not a GraphQL name (a data value as a key) is not echoed', () => {
    const { message } = coercionError({ ...person, [ID_NUMBER]: 1 });
    expect(message).toBe('Variable "$i" got invalid value; Field is not defined by type "PersonInput".');
  });

  it('a literal refused at validation keeps the expected type and drops what was found', () => {
    const [error] = validate(schema, parse(`{ person(input: { name: "a", idNumber: ${ID_NUMBER}, phone: "${PHONE}" }) }`));
    const formatted = formatGraphqlError(logger, { hideSuggestions: true })({ message: error.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, error);
    expect(formatted.message).toBe('String cannot represent a non string value.');
    expect(formatted.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
