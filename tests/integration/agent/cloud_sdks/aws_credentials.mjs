// The AWS SDK for JavaScript's default credential chain, which reaches the
// container credentials provider through AWS_CONTAINER_CREDENTIALS_FULL_URI
// and AWS_CONTAINER_AUTHORIZATION_TOKEN: prints {"accessKeyId",
// "sessionToken", "expiration"}, or the SDK's error on stderr and exit code 1.
// With the argument `container`, that provider alone (fromHttp, without
// retries): the chain reports only that no provider answered, the provider
// itself the service's error code and message.
import { fromHttp, fromNodeProviderChain } from '@aws-sdk/credential-providers';

try {
  const provider = process.argv[2] === 'container' ? fromHttp({ maxRetries: 0 }) : fromNodeProviderChain();
  const c = await provider();
  console.log(JSON.stringify({
    accessKeyId: c.accessKeyId,
    sessionToken: c.sessionToken,
    expiration: c.expiration ? c.expiration.toISOString() : null,
  }));
} catch (e) {
  const answer = e.Code ? ` (${e.Code}: ${e.Message})` : '';
  console.error(`@aws-sdk/credential-providers: ${e.message}${answer}`);
  process.exit(1);
}
