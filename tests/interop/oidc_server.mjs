// oidc-provider (the certified Node.js OpenID Connect server) on 127.0.0.1
// with a free port, configured for latchkey's interoperability tests.
//
//   node oidc_server.mjs CLIENTS.json
//
// CLIENTS.json is an array of client metadata as oidc-provider takes it, plus
// one extension: "public_key_file", a PEM public key that becomes the
// client's `jwks` (for private_key_jwt), so tests can make keys with the
// openssl CLI without converting them to JWK themselves.
//
// The first line on standard output is the issuer URL (like the dev server
// prints its URL); everything else goes to standard error. The server stops
// on SIGTERM/SIGINT, and by itself when its parent process goes, so a test
// that dies cannot leave it running.
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

function loadClients(path) {
  const clients = JSON.parse(readFileSync(path, 'utf8'));
  return clients.map(({ public_key_file: keyFile, ...client }) => {
    if (!keyFile) return client;
    const jwk = createPublicKey(readFileSync(keyFile)).export({ format: 'jwk' });
    return { ...client, jwks: { keys: [jwk] } };
  });
}

// Any login name is an account whose subject is that name: the scripted
// user agent signs in as whoever it likes, with any password (the
// development interactions accept any).
async function findAccount(ctx, id) {
  return {
    accountId: id,
    async claims() {
      return { sub: id, email: `${id}@example.test`, email_verified: true, name: id };
    },
  };
}

function configuration(clients) {
  return {
    clients,
    findAccount,
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read', 'api:write'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: {
      // The built-in login and consent pages; the scripted user agent fills them in.
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // Tokens for the userinfo endpoint unless a resource is asked for: the
      // opaque access tokens introspection and revocation work with.
      resourceIndicators: { enabled: false },
    },
    // Every authorization code request must carry an S256 code challenge.
    pkce: { required: () => true, methods: ['S256'] },
    // A client allowed the refresh_token grant gets a refresh token from the
    // code and device grants, and a new one at each refresh (the old one is
    // then spent: reusing it fails with invalid_grant).
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 3600,
      ClientCredentials: 3600,
      AuthorizationCode: 120,
      DeviceCode: 300,
      RefreshToken: 86400,
      Interaction: 300,
      Session: 3600,
      Grant: 86400,
      IdToken: 3600,
    },
    cookies: { keys: ['latchkey-interop-cookie-key'] },
    // private_key_jwt assertions in every algorithm the host's signing service makes.
    enabledJWA: {
      clientAuthSigningAlgValues: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384'],
    },
  };
}

async function main() {
  const clientsFile = process.argv[2];
  if (!clientsFile) {
    process.stderr.write('usage: node oidc_server.mjs CLIENTS.json\n');
    process.exit(2);
  }

  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;

  const provider = new Provider(issuer, configuration(loadClients(clientsFile)));
  // What the server refused, and why, is what a failing test needs to show.
  for (const event of ['grant.error', 'server_error', 'introspection.error', 'revocation.error',
    'userinfo.error', 'authorization.error', 'device_authorization.error', 'end_session.error',
    'code_verification.error']) {
    provider.on(event, (ctx, err) => {
      process.stderr.write(`oidc-provider ${event}: ${err.error || err.name}: ${err.error_description || err.message}${err.error_detail ? ` (${err.error_detail})` : ''}\n`);
    });
  }
  // Poll every second rather than RFC 8628's default five: the scripted
  // approval takes about a second, and the tests should not wait longer.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/device/auth' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      ctx.body.interval = 1;
    }
  });
  server.on('request', provider.callback());

  process.stdout.write(`${issuer}\n`);

  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const parent = process.ppid;
  setInterval(() => { if (process.ppid !== parent) stop(); }, 500);
}

main().catch((err) => {
  process.stderr.write(`oidc_server: ${err.stack || err}\n`);
  process.exit(1);
});
