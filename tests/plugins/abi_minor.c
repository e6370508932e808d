/* Providers whose declared ABI minor is not the host's, written in plain C so
 * the version is exactly what we say. Built twice:
 *
 *  OLD_MINOR ("old-minor"): declares ABI 1.0 but hands over structs as large
 *  as 1.1's, with 1.1's fields filled in: revoke and whoami in the
 *  descriptor, a client certificate in its HTTP request. A host that honours
 *  abi_minor never reads them; each says so in its answer if it is read.
 *
 *  NEW_MINOR ("new-minor"): declares a minor newer than the SDK's, with a
 *  descriptor that carries one field this host does not know. The host loads
 *  it and uses the fields it knows (whoami included). */
#include <latchkey/provider.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(OLD_MINOR)
#define NAME "old-minor"
#define DECLARED_MINOR 0
#elif defined(NEW_MINOR)
#define NAME "new-minor"
#define DECLARED_MINOR (LATCHKEY_ABI_MINOR + 1)
#else
#error "define OLD_MINOR or NEW_MINOR"
#endif

typedef struct instance {
    const latchkey_host *host;
} instance;

static const latchkey_option options[] = {
    {"url", LATCHKEY_OPT_STRING, 0, NULL, "when set, acquire GETs it and returns the status"}, {0}};

static latchkey_status create(const latchkey_host *host, void **out, latchkey_result *result) {
    instance *self = malloc(sizeof *self);
    if (!self) return host->result_error(result, LATCHKEY_E_INTERNAL, "out of memory");
    self->host = host;
    *out = self;
    return LATCHKEY_OK;
}

static latchkey_status acquire(void *self, latchkey_result *result) {
    const latchkey_host *host = ((instance *)self)->host;
    const char *url = host->option(host->ctx, "url");
    if (!url) {
        host->result_token(result, NAME "-token");
        return LATCHKEY_OK;
    }
    /* Sized like a 1.1 request, with a client certificate that does not
     * exist: a host that reads it fails before sending anything. */
    latchkey_http_request req = {0};
    req.struct_size = sizeof req;
    req.method = "GET";
    req.url = url;
    req.client_cert_file = "/nonexistent/" NAME "-client.pem";
    req.client_key_file = "/nonexistent/" NAME "-client.key";
    latchkey_http_response *resp = NULL;
    char error[256] = "";
    latchkey_status st = host->http(host->ctx, &req, &resp, error, sizeof error);
    if (st != LATCHKEY_OK) return host->result_error(result, st, error);
    char token[32];
    snprintf(token, sizeof token, "http-%ld", host->http_status(host->ctx, resp));
    host->http_release(host->ctx, resp);
    host->result_token(result, token);
    return LATCHKEY_OK;
}

static void destroy(void *self) { free(self); }

#if defined(OLD_MINOR)
static latchkey_status revoke(void *self, const latchkey_credential *current,
                              latchkey_result *result) {
    const latchkey_host *host = ((instance *)self)->host;
    (void)current;
    return host->result_error(result, LATCHKEY_E_INTERNAL,
                              NAME ": revoke called although the plugin declares ABI 1.0");
}
#endif

static latchkey_status whoami(void *self, const latchkey_credential *current, latchkey_sink sink,
                              void *user, latchkey_result *result) {
    (void)self, (void)current, (void)result;
    static const char json[] = "{\"sub\":\"" NAME "\"}";
    sink(user, json, sizeof json - 1);
    return LATCHKEY_OK;
}

/* Every field this SDK knows, as this plugin declares them. */
#define KNOWN_FIELDS(struct_size, description, revoke_fn)                                       \
    {                                                                                           \
        struct_size, LATCHKEY_ABI_MAJOR, DECLARED_MINOR, NAME, "1.0.0", description, options,   \
            create, acquire, NULL /* refresh */, NULL /* expired */, destroy, revoke_fn, whoami \
    }

#if defined(OLD_MINOR)
/* As large as 1.1's, with revoke and whoami filled in; but the plugin says
 * 1.0, so they are not its own. */
static const latchkey_provider descriptor = KNOWN_FIELDS(
    sizeof(latchkey_provider), "Test-only: declares ABI 1.0 with 1.1-sized structs.", revoke);

LATCHKEY_EXPORT const latchkey_provider *latchkey_provider_v1(void) { return &descriptor; }
#else
/* A descriptor of a later minor: this host's fields, then one it has never
 * heard of. */
typedef struct future_provider {
    latchkey_provider known;
    void (*from_a_later_minor)(void *instance);
} future_provider;

static void from_a_later_minor(void *self) { (void)self; }

static const future_provider descriptor = {
    KNOWN_FIELDS(sizeof(future_provider), "Test-only: declares an ABI minor newer than the host's.",
                 NULL),
    from_a_later_minor,
};

LATCHKEY_EXPORT const latchkey_provider *latchkey_provider_v1(void) { return &descriptor.known; }
#endif
