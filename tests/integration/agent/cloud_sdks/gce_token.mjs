// google-auth-library's Application Default Credentials, with nothing to
// find but the metadata server that GCE_METADATA_HOST names: prints
// {"client": CLASS, "token": TOKEN}, or the library's error (and the
// server's answer, which the library keeps beside it) on stderr and exit
// code 1.
import { GoogleAuth } from 'google-auth-library';

try {
  const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
  const client = await auth.getClient();
  const { token } = await client.getAccessToken();
  console.log(JSON.stringify({ client: client.constructor.name, token }));
} catch (e) {
  const answer = e.response && typeof e.response.data === 'string' ? ` (${e.response.data.trim()})` : '';
  console.error(`google-auth-library: ${e.message}${answer}`);
  process.exit(1);
}
