// @azure/identity's ManagedIdentityCredential, which finds App Service's
// IDENTITY_ENDPOINT and IDENTITY_HEADER: prints {"token", "expires_on_ms"},
// or the library's error on stderr and exit code 1.
import { ManagedIdentityCredential } from '@azure/identity';

try {
  const credential = new ManagedIdentityCredential();
  const t = await credential.getToken('https://management.azure.com/.default');
  console.log(JSON.stringify({ token: t.token, expires_on_ms: t.expiresOnTimestamp }));
} catch (e) {
  console.error(`@azure/identity: ${e.message}`);
  process.exit(1);
}
