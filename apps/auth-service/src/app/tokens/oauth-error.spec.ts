import { OAUTH_ERRORS } from '@datalake/dto';
import { oauthErrorResponse } from './oauth-error';

describe(oauthErrorResponse.name, () => {
  it.each(Object.values(OAUTH_ERRORS))('answers %s as a 400 whose body is only {error}', (code) => {
    expect(oauthErrorResponse(code)).toEqual({ status: 400, body: { error: code } });
  });
});
