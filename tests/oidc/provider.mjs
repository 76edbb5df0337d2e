// A certified OpenID Provider (the npm package oidc-provider) for Socle's sign-in tests.
//
//   node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG.json: {"redirect_uris": [...], "post_logout_redirect_uris": [...],
//               "accounts": {"ID": {"email": ..., "given_name": ..., ...}}}
// Listens on 127.0.0.1 on a free port and prints one JSON line: {"issuer": "http://127.0.0.1:PORT"}.
//
// Clients (secret: "secret-" + client_id):
//   socle        RS256 ID token, client_secret_basic, userinfo as JSON
//   socle-pc     like ProConnect: ES256 ID token, client_secret_post, userinfo as a signed JWT
//   socle-forged its ID tokens have their payload altered after signing (bad signature)
//   socle-iss    its ID tokens are re-signed with the provider's key but another issuer
// Interactions: GET /interaction/UID shows a login form (field "login": an account ID);
// POST /interaction/UID/login signs that account in; consent is granted at once.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair, importJWK, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

// The provider's pages: bare HTML, no favicon request.
const page = (body) => `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Fournisseur de test</title></head><body>${body}</body></html>`;

async function signingKey(alg, kid) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

const rsa = await signingKey('RS256', 'rsa-1');
const ec = await signingKey('ES256', 'ec-1');

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

function client(id, extra = {}) {
  return {
    client_id: id,
    client_secret: `secret-${id}`,
    redirect_uris: config.redirect_uris,
    post_logout_redirect_uris: config.post_logout_redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    ...extra,
  };
}

const provider = new Provider(issuer, {
  clients: [
    client('socle'),
    client('socle-pc', {
      id_token_signed_response_alg: 'ES256',
      userinfo_signed_response_alg: 'RS256',
      token_endpoint_auth_method: 'client_secret_post',
    }),
    client('socle-forged'),
    client('socle-iss'),
  ],
  jwks: { keys: [rsa, ec] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
    given_name: ['given_name'],
    usual_name: ['usual_name'],
    siret: ['siret'],
    organizational_unit: ['organizational_unit'],
  },
  features: {
    devInteractions: { enabled: false },
    jwtUserinfo: { enabled: true },
    // Its own plain page: the default one loads web fonts from another site.
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page(`${form}<button autofocus type="submit" form="op.logoutForm" name="logout" value="yes">Se déconnecter</button>`);
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = config.accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  cookies: { keys: ['socle-tests-only'] },
});

// Faults injected after the real token endpoint answered, per client.
provider.use(async (ctx, next) => {
  await next();
  const clientId = ctx.oidc?.client?.clientId;
  if (ctx.path !== '/token' || !ctx.body?.id_token) return;
  if (clientId === 'socle-forged') {
    const [head, , signature] = ctx.body.id_token.split('.');
    const claims = { ...decodeJwt(ctx.body.id_token), sub: 'someone-else' };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    ctx.body = { ...ctx.body, id_token: `${head}.${body}.${signature}` };
  } else if (clientId === 'socle-iss') {
    const { kid } = decodeProtectedHeader(ctx.body.id_token);
    const claims = { ...decodeJwt(ctx.body.id_token), iss: 'https://usurpateur.example' };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign(await importJWK(rsa, 'RS256'));
    ctx.body = { ...ctx.body, id_token: token };
  }
});

async function readForm(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return new URLSearchParams(raw);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params, session } = details;
  if (req.method === 'POST' && req.url.endsWith('/login')) {
    const login = (await readForm(req)).get('login');
    if (!config.accounts[login]) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('unknown account');
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, {
      mergeWithLastSubmission: false,
    });
    return;
  }
  if (prompt.name === 'login') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      page(`<form method="post" action="/interaction/${uid}/login"><input name="login"></form>`),
    );
    return;
  }
  const grant = new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, {
    mergeWithLastSubmission: true,
  });
}

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  } else {
    callback(req, res);
  }
});
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
