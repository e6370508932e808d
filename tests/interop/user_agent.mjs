// A scripted user agent for oidc-provider's own pages: what a person does in
// a browser, with Node's built-in fetch and nothing else.
//
//   node user_agent.mjs authorize URL [--login NAME] [--deny]
//       Opens an authorization URL, signs in, consents and follows the final
//       redirect (to the client's loopback listener). Prints the status and
//       body of that last response.
//   node user_agent.mjs device URL [--code USER_CODE] [--login NAME] [--deny]
//       Opens a device verification URI (verification_uri_complete carries
//       the code; with the plain verification_uri give --code), submits the
//       code with the page's xsrf token, confirms, signs in and consents.
//       Prints "approved" when the provider shows its success page.
//       With --type-code, a verification_uri_complete is opened as a person
//       who only reads it would: the bare verification URI, the code typed in.
//
// --deny aborts at the consent prompt instead (the End-User says no).
// The pages are walked generically: follow redirects (keeping cookies, as a
// browser does), and on a page with a form submit that form with its hidden
// fields plus what a person would type (the user code, a login name and any
// password: the development interactions accept every password).
// Exit status: 0 when the walk reached its end, 1 otherwise (the reason on
// standard error). Every request is bounded; so are the number of steps
// and the whole walk.

const kStepLimit = 30;
const kRequestTimeoutMs = 10000;
const kOverallTimeoutMs = 30000;

function fail(message) {
  process.stderr.write(`user_agent: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const [mode, url, ...rest] = argv;
  if (!['authorize', 'device'].includes(mode) || !url) {
    fail('usage: user_agent.mjs authorize|device URL [--code C | --type-code] [--login NAME] [--deny]');
  }
  const opts = { mode, url, login: 'alice', code: undefined, deny: false };
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === '--deny') opts.deny = true;
    else if (rest[i] === '--type-code') opts.typeCode = true;
    else if (rest[i] === '--login') opts.login = rest[++i];
    else if (rest[i] === '--code') opts.code = rest[++i];
    else fail(`unknown argument ${rest[i]}`);
  }
  return opts;
}

// Cookies by (origin, path, name), sent where the path matches: enough of
// RFC 6265 for one server on one host.
class CookieJar {
  constructor() { this.cookies = new Map(); }

  store(url, response) {
    const headers = response.headers;
    const lines = typeof headers.getSetCookie === 'function'
      ? headers.getSetCookie()
      : (headers.get('set-cookie') || '').split(/,(?=\s*[^;,=\s]+=)/).filter(Boolean);
    for (const line of lines) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = '/';
      let expired = false;
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        if (k.toLowerCase() === 'path') path = v;
        if (k.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
        if (k.toLowerCase() === 'expires' && Date.parse(v) < Date.now()) expired = true;
      }
      const key = `${url.origin} ${path} ${name}`;
      if (expired || value === '') this.cookies.delete(key);
      else this.cookies.set(key, { origin: url.origin, path, name, value });
    }
  }

  header(url) {
    return [...this.cookies.values()]
      .filter((c) => c.origin === url.origin && url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (m, e) => {
    const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()];
    if (e[1] === 'x' || e[1] === 'X') return String.fromCodePoint(parseInt(e.slice(2), 16));
    return String.fromCodePoint(parseInt(e.slice(1), 10));
  });
}

function attributes(tag) {
  const attrs = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-\w:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    attrs[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}

// The first form on the page: its action, method and named inputs.
function firstForm(html) {
  const m = html.match(/<form\b([^>]*)>([\s\S]*?)<\/form>/i);
  if (!m) return undefined;
  const form = attributes(m[1]);
  const inputs = [...m[2].matchAll(/<input\b([^>]*)>/gi)].map((i) => attributes(i[1]));
  return { action: form.action, method: (form.method || 'get').toUpperCase(), inputs };
}

function pageTitle(html) {
  const m = html.match(/<title>([\s\S]*?)<\/title>/i);
  return m ? decodeEntities(m[1].trim()) : '';
}

// The page's visible text, shortened: what a failing test shows.
function pageText(html) {
  return decodeEntities(html.replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/gi, '')
    .replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim().slice(0, 400);
}

// What a person types into the form: hidden fields as they are, the user
// code, a login name and a password. At consent, --deny takes the page's
// abort link instead of submitting.
function fillForm(form, opts) {
  const body = new URLSearchParams();
  for (const input of form.inputs) {
    if (!input.name) continue;
    let { value } = input;
    if (input.name === 'user_code' && !value) {
      if (!opts.code) fail('the page asks for a user code and none was given (--code)');
      value = opts.code;
    } else if (input.name === 'login') value = opts.login;
    else if (input.type === 'password') value = 'any-password';
    body.append(input.name, value ?? '');
  }
  return body;
}

async function request(jar, url, method, body) {
  const headers = { accept: 'text/html' };
  const cookie = jar.header(url);
  if (cookie) headers.cookie = cookie;
  if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
  let response;
  try {
    response = await fetch(url, {
      method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(kRequestTimeoutMs),
    });
  } catch (err) {
    fail(`${method} ${url.href}: ${err.cause?.message || err.message}`);
  }
  jar.store(url, response);
  process.stderr.write(`user_agent: ${method} ${url.origin}${url.pathname} -> ${response.status}\n`);
  return response;
}

async function walk(opts) {
  const jar = new CookieJar();
  const start = new URL(opts.url);
  let url = start;
  let method = 'GET';
  let body;
  let aborted = false;
  let previous;
  for (let step = 0; step < kStepLimit; step += 1) {
    const response = await request(jar, url, method, body);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await response.text();
    // Left the authorization server: this is the client's own redirect URI.
    if (url.origin !== start.origin) {
      return { status: response.status, text: pageText(html) };
    }
    const text = pageText(html);
    // The device pages end an aborted sign-in by asking for a code again.
    if (opts.mode === 'device' && aborted && /interrupted/i.test(text)) return { text: 'denied' };
    const form = firstForm(html);
    if (!form) {
      const title = pageTitle(html);
      if (opts.mode === 'device' && /success/i.test(title)) return { text: 'approved' };
      fail(`stopped at ${url.pathname} (HTTP ${response.status}, "${title}"): ${text}`);
    }
    // A form that comes back as it was (a wrong or spent user code) would
    // loop: stop with what the page says.
    if (text === previous) fail(`the page at ${url.pathname} came back unchanged: ${text}`);
    previous = text;
    const isConsent = form.inputs.some((i) => i.name === 'prompt' && i.value === 'consent');
    if (opts.deny && isConsent) {
      const abort = html.match(/href="([^"]*\/abort)"/);
      if (!abort) fail('the consent page has no abort link');
      url = new URL(decodeEntities(abort[1]), url);
      aborted = true;
      method = 'GET';
      body = undefined;
      continue;
    }
    url = new URL(form.action || url.href, url);
    method = form.method;
    body = fillForm(form, opts);
    if (method === 'GET') {
      url.search = body.toString();
      body = undefined;
    }
  }
  return fail(`no end after ${kStepLimit} steps (last ${url.pathname})`);
}

// A user agent nobody waits for any more must not linger.
setTimeout(() => fail(`gave up after ${kOverallTimeoutMs / 1000} s`), kOverallTimeoutMs).unref();

const opts = parseArgs(process.argv.slice(2));
if (opts.typeCode) {
  const complete = new URL(opts.url);
  opts.code = complete.searchParams.get('user_code');
  if (!opts.code) fail(`--type-code: ${opts.url} carries no user_code`);
  complete.search = '';
  opts.url = complete.href;
}
const result = await walk(opts);
process.stdout.write(result.status ? `${result.status} ${result.text}\n` : `${result.text}\n`);
