/**
 * The sandbox's GraphQL endpoint (`POST /v1/graphql/`), read with graphql-js: a small schema with the one mutation
 * the data-import flow needs, `obtainKrakenToken`, executed the way any GraphQL server would. Variables anywhere,
 * inline literals, aliases, fragments, named operations and `operationName` all work because graphql-js parses,
 * validates and executes the document; unknown fields and malformed documents get GraphQL-shaped errors
 * (`{"errors": [{"message", "locations"}]}`), as Kraken's GraphQL server answers them.
 *
 * The types are those of Kraken's GraphQL schema (`ObtainJSONWebTokenInput`, `ObtainKrakenJSONWebToken`; see the
 * kraken-api-notes §2.1), cut down to the fields a data-import client uses. The sandbox is not Kraken.
 */
import { buildSchema, execute, GraphQLError, parse, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { isObject } from '../../core/src/json';

const SDL = `
"""The local Kraken sandbox's GraphQL schema: only what a data-import client needs (this is not Kraken)."""
type Query {
  """The sandbox answers only the obtainKrakenToken mutation; this field says so."""
  sandbox: String!
}

type Mutation {
  """A Kraken token for the Authorization header of the data-import REST calls."""
  obtainKrakenToken(input: ObtainJSONWebTokenInput!): ObtainKrakenJSONWebToken
}

input ObtainJSONWebTokenInput {
  """API key of the account user. Use standalone."""
  APIKey: String
  """Live secret key of a third-party organization. Use standalone."""
  organizationSecretKey: String
  """Pre-signed key. Use standalone."""
  preSignedKey: String
  """A refresh token from an earlier obtainKrakenToken. Use standalone."""
  refreshToken: String
  email: String
  password: String
  captchaResponse: String
}

type ObtainKrakenJSONWebToken {
  """Can be used in the Authorization header for subsequent calls."""
  token: String!
  refreshToken: String
  """When the refresh token expires, in seconds since the epoch."""
  refreshExpiresIn: Int
  """The token's claims."""
  payload: TokenPayload
}

"""The claims of a token (the sandbox's own; Kraken's payload is a generic scalar)."""
type TokenPayload {
  sub: String
  iss: String
  iat: Int
  exp: Int
}
`;

let schema: GraphQLSchema | undefined;
function sandboxSchema(): GraphQLSchema {
  return (schema ??= buildSchema(SDL));
}

export interface TokenGrant {
  token: string;
  refreshToken: string;
  refreshExpiresIn: number;
  payload: Record<string, unknown>;
}

/** What the sandbox does with an `ObtainJSONWebTokenInput`: a grant, or why it refuses (Kraken's KT-CT-1139). */
export type ObtainToken = (input: Record<string, unknown>) => TokenGrant | { refused: string };

export interface GraphqlReply {
  status: number;
  body: ExecutionResult | { errors: Array<{ message: string; locations?: Array<{ line: number; column: number }> }> };
}

/** Errors before execution (no JSON, no query, a document that does not parse or validate): HTTP 400, no `data`. */
function requestError(message: string, locations?: Array<{ line: number; column: number }>): GraphqlReply {
  return { status: 400, body: { errors: [{ message, ...(locations?.length ? { locations } : {}) }] } };
}

/**
 * Answers one GraphQL request body (already read as text; `POST` with a JSON body `{query, variables?,
 * operationName?}`, the GraphQL-over-HTTP form every client sends).
 */
export function answerGraphql(rawBody: string, obtainToken: ObtainToken): GraphqlReply {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return requestError('Must provide a JSON body with "query".');
  }
  if (!isObject(body)) return requestError('Must provide a JSON body with "query".');
  const unknown = Object.keys(body).filter((k) => !['query', 'variables', 'operationName', 'extensions'].includes(k));
  if (unknown.length)
    return requestError(
      `Unknown request field${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => `"${k}"`).join(', ')} (a GraphQL request has query, variables, operationName).`,
    );
  if (typeof body.query !== 'string' || !body.query.trim()) return requestError('Must provide query string.');
  if (body.variables !== undefined && body.variables !== null && !isObject(body.variables))
    return requestError('Variables must be provided as an object.');
  if (body.operationName !== undefined && body.operationName !== null && typeof body.operationName !== 'string')
    return requestError('operationName must be a string.');

  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (error) {
    if (error instanceof GraphQLError) return requestError(error.message, error.locations ? [...error.locations] : undefined);
    throw error;
  }
  const problems = validate(sandboxSchema(), document);
  if (problems.length) {
    return {
      status: 400,
      body: { errors: problems.map((p) => ({ message: p.message, ...(p.locations?.length ? { locations: [...p.locations] } : {}) })) },
    };
  }

  const rootValue = {
    sandbox: () => 'The local Kraken sandbox (not Kraken) answers only the obtainKrakenToken mutation.',
    obtainKrakenToken: ({ input }: { input: Record<string, unknown> }) => {
      const outcome = obtainToken({ ...input });
      if ('refused' in outcome) {
        throw new GraphQLError('Invalid data.', {
          extensions: { errorType: 'VALIDATION', errorCode: 'KT-CT-1139', errorDescription: outcome.refused, errorClass: 'VALIDATION' },
        });
      }
      return outcome;
    },
  };
  const result = execute({
    schema: sandboxSchema(),
    document,
    rootValue,
    variableValues: isObject(body.variables) ? body.variables : undefined,
    operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
  }) as ExecutionResult;
  // Execution never awaits here (the resolvers are synchronous). Without `data` the request itself was wrong (a
  // variable of the wrong type, an operation that does not exist): a 400, as GraphQL over HTTP has it.
  return { status: result.data === undefined ? 400 : 200, body: JSON.parse(JSON.stringify(result)) };
}
