/*
 * latchkey provider ABI, version 1.
 *
 * A provider plugin is a shared library that exports one C function,
 * `latchkey_provider_v1`, returning a pointer to a static descriptor. The host
 * reads the descriptor, validates the site's options against its schema, and
 * calls `create` / `acquire` / `refresh` / `expired` / `destroy`.
 *
 * Rules that keep the boundary stable:
 *  - Plain C only. No C++ type, exception or allocator crosses it.
 *  - Every struct starts with `struct_size`. Structs only ever grow at the end
 *    (append-only, like sqlite3_vfs.iVersion or OpenSSL dispatch tables). A
 *    reader checks `struct_size` before touching a field added in a later minor
 *    version.
 *  - Memory is never freed across the boundary. Strings the host hands in are
 *    valid for the duration of the call. Results go out through host-owned
 *    builders (`latchkey_host.result_*`), which copy what they are given.
 *  - A provider never prints and never reads the terminal itself: it asks the
 *    host (`log`, `notice`, `prompt`, `open_url`), so redaction and
 *    non-interactive mode are enforced in one place.
 *
 * Versions. The host refuses a plugin of another ABI major. Within major 1 a
 * struct field added in minor N is read only when the struct's `struct_size`
 * covers it AND the plugin's descriptor declares `abi_minor` >= N: a plugin
 * that says 1.0 is treated as 1.0 whatever its sizes say. A plugin declaring
 * a newer minor than the host speaks is loaded; the host uses the fields it
 * knows and ignores the rest (a newer option type it does not know is
 * refused, naming the option). Such a plugin sees the host's minor in
 * `latchkey_host.abi_minor` and `struct_size`, and must not call a service
 * the table does not have (provider.hpp checks for you).
 *
 * Threads. The host makes one instance per site and may use many at once:
 *  - Instances of one plugin (several sites, several hosts in one process)
 *    are called from different threads at the same time. State shared
 *    between instances (statics, globals) must be thread-safe.
 *  - Per instance, `create` runs first and `destroy` last, each with no
 *    other call on that instance running. `acquire`, `refresh` and `revoke`
 *    never overlap one another: the host holds the site's single-flight lock
 *    (and its storage lock, across processes) around them. `whoami` may run
 *    on another thread at the same time as any of them.
 *  - `expired` is on the read path. When a provider has it, every read of
 *    the site's credential calls it (those reads then leave the host's
 *    lock-free path), from any number of threads at once, concurrently with
 *    every other call on the instance but `create` and `destroy`, and
 *    sometimes while the host holds the site's locks. So it must answer
 *    quickly from `current`, `now_ms` and what the instance set up in
 *    `create`, read-only: no I/O, no sleeping, no waiting on a lock that
 *    acquire or refresh may hold, and no host service but `log`, `now_ms`,
 *    `site_name` and the option getters. Never HTTP, interaction, the cache,
 *    `sign` or `fetch_site`: they block, and `fetch_site` may need the very
 *    locks the caller holds.
 *  - Host services are called only from inside a call the host made, on that
 *    call's thread (never from a thread of the plugin's own): cancellation,
 *    request timeouts and fetch_site's cycle check follow the calling thread.
 *  - With `isolation = "process"` the calls reach the plugin one at a time
 *    in a helper process; a plugin must not count on it.
 */
#ifndef LATCHKEY_PROVIDER_H
#define LATCHKEY_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LATCHKEY_ABI_MAJOR 1
#define LATCHKEY_ABI_MINOR 3

/* The one symbol a provider plugin exports. */
#define LATCHKEY_PROVIDER_ENTRY "latchkey_provider_v1"

#if defined(_WIN32)
#define LATCHKEY_EXPORT __declspec(dllexport)
#else
#define LATCHKEY_EXPORT __attribute__((visibility("default")))
#endif

/* ---------------------------------------------------------------- status */

/* What went wrong, in terms the host acts on. */
typedef enum latchkey_status {
    LATCHKEY_OK = 0,
    /* The policy is wrong (missing or invalid option). Never retried. */
    LATCHKEY_E_CONFIG = 1,
    /* The server refused the credentials (bad secret, invalid_grant).
     * Never retried; a rejected refresh makes the host acquire again. */
    LATCHKEY_E_REJECTED = 2,
    /* Network failure, 5xx, 429, timeout. Retried with backoff. */
    LATCHKEY_E_TRANSIENT = 3,
    /* A person must act: the user has to run `latchkey login`. */
    LATCHKEY_E_INTERACTION_REQUIRED = 4,
    /* A bug or an unexpected answer. Not retried. */
    LATCHKEY_E_INTERNAL = 5
} latchkey_status;

/* ---------------------------------------------------------------- options */

typedef enum latchkey_option_type {
    LATCHKEY_OPT_STRING = 0,
    LATCHKEY_OPT_INT = 1,      /* decimal integer */
    LATCHKEY_OPT_BOOL = 2,     /* "true" / "false" */
    LATCHKEY_OPT_DURATION = 3, /* handed to the provider as whole seconds */
    LATCHKEY_OPT_LIST = 4,     /* list of strings */
    /* ---- ABI 1.2. A file or directory path, handed to the provider with a
     * leading `~/`, `$HOME/` or `${HOME}/` already replaced by $HOME. A host
     * older than 1.2 refuses a plugin that declares it (unknown option type),
     * so declare it only with abi_minor >= 2. */
    LATCHKEY_OPT_PATH = 5
} latchkey_option_type;

/* Option flags (bit set). */
#define LATCHKEY_OPTF_REQUIRED 0x1u /* must be set somewhere in the policy */
#define LATCHKEY_OPTF_SECRET 0x2u   /* never shown; redacted from every log */
/* Part of "who": the value goes into the key the site's credential is stored
 * under, so a changed value never reuses the credential of the old one. Flag
 * every option that selects a principal (client_id, app_id, username, tenant,
 * api_key, the token URL or issuer, the scopes): without it, editing app_id
 * in the policy serves the previous app's cached token until it expires. */
#define LATCHKEY_OPTF_IDENTITY 0x4u

/* One entry of a provider's option schema. An array of these ends with an
 * all-zero entry (`{0}` in C, `{}` in C++), whose `key` is NULL. */
typedef struct latchkey_option {
    const char *key;            /* snake_case, e.g. "token_url" */
    latchkey_option_type type;
    unsigned flags;             /* LATCHKEY_OPTF_* */
    const char *default_value;  /* textual default, or NULL for none */
    const char *doc;            /* one line for `providers show` */
} latchkey_option;

/* ---------------------------------------------------------------- opaque host objects */

/* The resolved, validated options of one site. Read through latchkey_host. */
typedef struct latchkey_options latchkey_options;
/* A result under construction (a credential or an error). */
typedef struct latchkey_result latchkey_result;
/* A finished HTTP response, owned by the host until released. */
typedef struct latchkey_http_response latchkey_http_response;

/* The credential the host holds, shown to `refresh` and `expired`. */
typedef struct latchkey_credential {
    uint32_t struct_size;
    const char *token;
    const char *token_type;    /* "Bearer", "AnaplanAuthToken", "" ... */
    const char *refresh_token; /* NULL when there is none */
    int64_t expires_at_ms;     /* Unix epoch milliseconds; 0 = unknown */
    int64_t obtained_at_ms;
    /* Extra fields kept with the credential (e.g. instance_url). */
    size_t extra_count;
    const char *const *extra_keys;
    const char *const *extra_values;

    /* ---- ABI 1.1 (read only when struct_size covers it). */
    const char *header_name; /* "Authorization", "X-Api-Key" ... */
} latchkey_credential;

/* Size of the credential view as of ABI 1.1 (with header_name). */
#define LATCHKEY_CREDENTIAL_V1_1_SIZE                                          \
    (offsetof(latchkey_credential, header_name) + sizeof(const char *))

/* Receives a credential from a host service; valid only during the call. */
typedef void (*latchkey_credential_sink)(void *user,
                                         const latchkey_credential *credential);

/* ---------------------------------------------------------------- HTTP */

typedef struct latchkey_http_request {
    uint32_t struct_size;
    const char *method; /* "GET", "POST", ... */
    const char *url;
    /* Full header lines, "Name: value". */
    const char *const *headers;
    size_t header_count;
    const char *body; /* may be NULL */
    size_t body_len;
    /* When both are set the host sends HTTP Basic authentication. */
    const char *basic_user;
    const char *basic_password;
    /* 0 means the site's `timeout`. */
    int64_t timeout_ms;

    /* ---- ABI 1.1: TLS client authentication (RFC 8705 tls_client_auth).
     * PEM files; the key may be encrypted with `client_key_password`. The
     * host reads these fields only when struct_size covers them. */
    const char *client_cert_file;
    const char *client_key_file;
    const char *client_key_password;
} latchkey_http_request;

/* Sizes of the request as of ABI 1.0 and 1.1. */
#define LATCHKEY_HTTP_REQUEST_V1_0_SIZE                                        \
    (offsetof(latchkey_http_request, timeout_ms) + sizeof(int64_t))
#define LATCHKEY_HTTP_REQUEST_V1_1_SIZE                                        \
    (offsetof(latchkey_http_request, client_key_password) + sizeof(const char *))

typedef enum latchkey_log_level {
    LATCHKEY_LOG_DEBUG = 0,
    LATCHKEY_LOG_INFO = 1,
    LATCHKEY_LOG_WARN = 2,
    LATCHKEY_LOG_ERROR = 3
} latchkey_log_level;

/* Receives bytes produced by a host service; `user` is the caller's. */
typedef void (*latchkey_sink)(void *user, const char *data, size_t len);

/* ---- ABI 1.3: the types of the JSON and time services. */

/* A JSON document parsed by the host; released with json_release. */
typedef struct latchkey_json latchkey_json;

/* What a JSON Pointer names in a document. */
typedef enum latchkey_json_type {
    LATCHKEY_JSON_ABSENT = 0, /* nothing there */
    LATCHKEY_JSON_NULL = 1,
    LATCHKEY_JSON_BOOL = 2,
    LATCHKEY_JSON_NUMBER = 3,
    LATCHKEY_JSON_STRING = 4,
    LATCHKEY_JSON_ARRAY = 5,
    LATCHKEY_JSON_OBJECT = 6
} latchkey_json_type;

typedef enum latchkey_time_format {
    LATCHKEY_TIME_RFC3339 = 0,  /* 2026-12-07T10:00:00Z */
    LATCHKEY_TIME_HTTP_DATE = 1 /* Mon, 07 Dec 2026 10:00:00 GMT */
} latchkey_time_format;

/* ---------------------------------------------------------------- host services */

/*
 * Services the host hands to `create`. One table per provider instance; the
 * provider keeps the pointer for the life of the instance. `ctx` is the host's
 * and goes back as the first argument of every call.
 *
 * Errors: the one convention for every service added from now on.
 *  - A service that can fail returns `latchkey_status`: LATCHKEY_OK, or the
 *    status whose meaning above says what kind of failure it was. Nothing
 *    else: no int whose meaning depends on the service, no -1.
 *  - Its last parameter is the `latchkey_result *` of the call the provider
 *    is in, and the host writes the failure's message there (never a secret).
 *    The message becomes the call's error only if the provider returns that
 *    failure: `if (st != LATCHKEY_OK) return st;` passes it on with its
 *    message, `result_error` replaces it, and a provider that recovers and
 *    returns LATCHKEY_OK drops it.
 *  - An answer that is not a failure ("not in the cache", "no browser") is an
 *    out-parameter, never a status.
 *  - Output goes to a `latchkey_sink` (or a host-owned object released through
 *    the table), never to a buffer the plugin sizes.
 * The entries below predate the convention and keep their signatures, since
 * the table is append-only. Each says which older style it uses:
 *  - "old style: error buffer": a status, with the message in the caller's
 *    `error` buffer (`error_len` bytes, NUL-terminated): http, sign,
 *    fetch_site.
 *  - "old style: int": an int whose meaning is the entry's own: interactive
 *    (non-zero = yes), open_url (0 = opened), sleep_ms (non-zero =
 *    cancelled), cache_get (1 = hit).
 *  - "old style: no message": a status without a message: prompt,
 *    random_bytes, base64_decode.
 * Entries that cannot fail (the option getters, log, now_ms, the result
 * builders, ...) need no convention.
 */
typedef struct latchkey_host {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    void *ctx;

    /* -- options: values as text, already validated against the schema.
     *    NULL when unset and without default. Durations come as seconds. */
    const char *(*option)(void *ctx, const char *key);
    size_t (*option_list_size)(void *ctx, const char *key);
    const char *(*option_list_item)(void *ctx, const char *key, size_t index);
    /* Name of the site this instance serves (for messages). */
    const char *(*site_name)(void *ctx);

    /* -- HTTP through the host's client (TLS, proxy, timeouts, body cap).
     *    Returns LATCHKEY_OK when a response arrived (any HTTP status) and
     *    sets *out; LATCHKEY_E_TRANSIENT on transport failure with a message
     *    in `error` (buffer of error_len bytes, NUL-terminated). Old style:
     *    error buffer. */
    latchkey_status (*http)(void *ctx, const latchkey_http_request *request,
                            latchkey_http_response **out, char *error,
                            size_t error_len);
    long (*http_status)(void *ctx, const latchkey_http_response *response);
    /* Body bytes, valid until released; *len receives the length. */
    const char *(*http_body)(void *ctx, const latchkey_http_response *response,
                             size_t *len);
    /* Value of the first header with this name (case-insensitive), or NULL. */
    const char *(*http_header)(void *ctx, const latchkey_http_response *response,
                               const char *name);
    void (*http_release)(void *ctx, latchkey_http_response *response);

    /* -- logging. Every registered secret is replaced by "****". */
    void (*log)(void *ctx, latchkey_log_level level, const char *message);
    /* Adds a value to the redaction set (a token just received, say). */
    void (*add_secret)(void *ctx, const char *value);

    /* -- interaction. Only allowed while the host says interactive() != 0
     *    (during `latchkey login`); otherwise return
     *    LATCHKEY_E_INTERACTION_REQUIRED from acquire. interactive: non-zero
     *    when a person can answer (old style: int). */
    int (*interactive)(void *ctx);
    void (*notice)(void *ctx, const char *text);
    /* Reads one line from the person. `secret` hides the echo. The answer
     * goes to `sink`. Returns LATCHKEY_E_INTERACTION_REQUIRED when nobody
     * can answer (old style: no message). */
    latchkey_status (*prompt)(void *ctx, const char *question, int secret,
                              latchkey_sink sink, void *user);
    /* Opens a URL in a browser when one is available. 0 = opened, anything
     * else = not opened: show the URL instead (old style: int). */
    int (*open_url)(void *ctx, const char *url);

    /* -- time and randomness. */
    int64_t (*now_ms)(void *ctx); /* Unix epoch milliseconds */
    /* Sleeps; returns non-zero when the wait was cancelled (Ctrl-C) (old
     * style: int). */
    int (*sleep_ms)(void *ctx, int64_t ms);
    /* LATCHKEY_E_INTERNAL when the system has no randomness to give (old
     * style: no message). */
    latchkey_status (*random_bytes)(void *ctx, unsigned char *out, size_t len);

    /* -- encodings, so a provider carries no codec of its own. */
    void (*base64_encode)(void *ctx, const unsigned char *data, size_t len,
                          int url_safe, latchkey_sink sink, void *user);
    /* Accepts the standard and the URL-safe alphabet, padded or not (JWT
     * segments decode directly). LATCHKEY_E_INTERNAL when `text` is not base64
     * (old style: no message). */
    latchkey_status (*base64_decode)(void *ctx, const char *text, size_t len,
                                     latchkey_sink sink, void *user);
    /* application/x-www-form-urlencoded escaping of one component. */
    void (*url_encode)(void *ctx, const char *text, latchkey_sink sink,
                       void *user);

    /* -- result builders. `result` is the one handed to the call. */
    void (*result_token)(latchkey_result *result, const char *token);
    void (*result_token_type)(latchkey_result *result, const char *type);
    /* Header that presents the token; default "Authorization". */
    void (*result_header_name)(latchkey_result *result, const char *name);
    void (*result_expires_at)(latchkey_result *result, int64_t unix_ms);
    void (*result_refresh_token)(latchkey_result *result, const char *token);
    void (*result_extra)(latchkey_result *result, const char *key,
                         const char *value);
    /* Records an error. The message must not contain a secret (the host
     * redacts what it knows of, but cannot know everything). The status is
     * returned for convenience. */
    latchkey_status (*result_error)(latchkey_result *result,
                                    latchkey_status status,
                                    const char *message);
    /* With a TRANSIENT error: the server asked to wait this long (429/503
     * Retry-After). The host never waits longer than its own cap. */
    void (*result_retry_after)(latchkey_result *result, int64_t ms);

    /* ---- ABI 1.1. Present when struct_size >= LATCHKEY_HOST_V1_1_SIZE;
     * provider.hpp checks before calling. */

    /* Signs `data` with the private key in the PEM file `key_file` (optionally
     * encrypted with `passphrase`, which may be NULL). `alg` is a JOSE name:
     * "RS256", "RS384", "RS512" (RSASSA-PKCS1-v1_5), "PS256", "PS384"
     * (RSASSA-PSS) or "ES256" (P-256), "ES384" (P-384) (ECDSA; the signature
     * comes as JOSE r||s, not DER).
     * The raw signature bytes go to `sink`. LATCHKEY_E_CONFIG with a message
     * in `error` when the key cannot be read, is the wrong type for `alg`, or
     * the passphrase is wrong. Old style: error buffer. */
    latchkey_status (*sign)(void *ctx, const char *alg, const char *key_file,
                            const char *passphrase, const unsigned char *data,
                            size_t len, latchkey_sink sink, void *user,
                            char *error, size_t error_len);

    /* A small per-site cache kept in the site's token storage (discovery
     * documents, say), shared by every process that uses the site. `name`
     * is the provider's own key. cache_get returns 1 and sends the value to
     * `sink` when an unexpired entry exists, else 0 (old style: int; a cache
     * that cannot be read is a miss). cache_put stores or replaces the entry
     * until `expires_at_ms` (0 = no expiry); a failure is logged, never
     * reported: the entry is fetched again next time. */
    int (*cache_get)(void *ctx, const char *name, latchkey_sink sink,
                     void *user);
    void (*cache_put)(void *ctx, const char *name, const char *value,
                      size_t len, int64_t expires_at_ms);

    /* A one-line status that replaces itself (a countdown while polling).
     * Shown only on a terminal during `latchkey login`; "" clears it. The
     * next notice or prompt clears it too. */
    void (*progress)(void *ctx, const char *line);

    /* Fetches the current credential of another site of the same policy,
     * through that site's own provider, cache and storage, and hands it to
     * `sink` once. Its refresh_token is always NULL: refreshing stays that
     * site's business. On failure returns that site's status with its message in
     * `error`. A site that reaches itself again is refused (LATCHKEY_E_CONFIG).
     * For composite providers such as `chain`. Old style: error buffer. */
    latchkey_status (*fetch_site)(void *ctx, const char *site,
                                  latchkey_credential_sink sink, void *user,
                                  char *error, size_t error_len);

    /* ---- ABI 1.3. Present when struct_size >= LATCHKEY_HOST_V1_3_SIZE;
     * provider.hpp checks before calling. Every entry follows the one error
     * convention above: `result` may be NULL (no message is kept then). */

    /* The message the last failure wrote into `result` (result_error or a
     * service), "" when none; valid until the next call on `result`. For a
     * provider that adds context to a service's message. */
    const char *(*result_message)(latchkey_result *result);

    /* -- JSON, parsed by the host (RapidJSON) with the caps it puts on every
     *    document from outside: at most 1 MiB, nested at most 64 levels, no
     *    U+0000 in a string. Values are read by JSON Pointer (RFC 6901):
     *    "" is the whole document, "/access_token" a member, "/keys/0/kid"
     *    a member of an array element. */

    /* Parses `len` bytes of `text` into a document for json_release.
     * Malformed or over a cap: LATCHKEY_E_INTERNAL ("an unexpected answer";
     * return another category if the caller knows better) with a message
     * naming the byte offset, never quoting the text. */
    latchkey_status (*json_parse)(void *ctx, const char *text, size_t len,
                                  latchkey_json **out, latchkey_result *result);
    void (*json_release)(void *ctx, latchkey_json *doc);
    /* What is at `pointer`: LATCHKEY_JSON_ABSENT when nothing is (or the
     * pointer is not a valid JSON Pointer). Cannot fail. */
    latchkey_json_type (*json_type)(void *ctx, const latchkey_json *doc,
                                    const char *pointer);
    /* Elements of the array or members of the object at `pointer`; 0 for
     * anything else. Cannot fail. */
    size_t (*json_size)(void *ctx, const latchkey_json *doc,
                        const char *pointer);
    /* Typed reads. Each fails with LATCHKEY_E_INTERNAL and a message naming
     * the pointer when the value is absent or of another type; test with
     * json_type first for an optional value. A string goes to `sink` as
     * UTF-8 bytes (never with a NUL). An integer is a number without a
     * fraction that fits int64_t (3600 and 3600.0, not 3600.5). */
    latchkey_status (*json_string)(void *ctx, const latchkey_json *doc,
                                   const char *pointer, latchkey_sink sink,
                                   void *user, latchkey_result *result);
    latchkey_status (*json_number)(void *ctx, const latchkey_json *doc,
                                   const char *pointer, double *out,
                                   latchkey_result *result);
    latchkey_status (*json_integer)(void *ctx, const latchkey_json *doc,
                                    const char *pointer, int64_t *out,
                                    latchkey_result *result);
    latchkey_status (*json_bool)(void *ctx, const latchkey_json *doc,
                                 const char *pointer, int *out,
                                 latchkey_result *result);
    /* The name of member `index` (document order) of the object at
     * `pointer`, to `sink`. Fails as the typed reads do. */
    latchkey_status (*json_key)(void *ctx, const latchkey_json *doc,
                                const char *pointer, size_t index,
                                latchkey_sink sink, void *user,
                                latchkey_result *result);
    /* The value at `pointer` written back as compact JSON text, to `sink`
     * (a claims object to keep as a typed extra, say). Fails when absent. */
    latchkey_status (*json_text)(void *ctx, const latchkey_json *doc,
                                 const char *pointer, latchkey_sink sink,
                                 void *user, latchkey_result *result);
    /* The writer's half: `len` bytes of UTF-8 `text` as one JSON string
     * literal, quotes included, every character that needs it escaped, to
     * `sink`. LATCHKEY_E_INTERNAL when `text` is not valid UTF-8. Structure
     * ({, :, [, ,) is the caller's; provider.hpp has a builder on top. */
    latchkey_status (*json_quote)(void *ctx, const char *text, size_t len,
                                  latchkey_sink sink, void *user,
                                  latchkey_result *result);

    /* -- time. Parses `text` in `format` into Unix epoch milliseconds:
     *    RFC 3339 ("2026-12-07T10:00:00Z", "...T10:00:00.250+02:00") or an
     *    HTTP-date (RFC 9110: "Mon, 07 Dec 2026 10:00:00 GMT", and the two
     *    obsolete forms). LATCHKEY_E_INTERNAL when it is not one, or is not
     *    between 1970 and 9999. */
    latchkey_status (*time_parse)(void *ctx, const char *text,
                                  latchkey_time_format format, int64_t *unix_ms,
                                  latchkey_result *result);
    /* `unix_ms` as text in `format` (RFC 3339 always in UTC with "Z", with
     * milliseconds only when they are not zero), to `sink`. */
    latchkey_status (*time_format)(void *ctx, int64_t unix_ms,
                                   latchkey_time_format format,
                                   latchkey_sink sink, void *user,
                                   latchkey_result *result);

    /* -- a signed JWT (RFC 7519) in JWS compact serialisation, with the key
     *    in the PEM file `key_file` (see `sign` for `alg`, `passphrase` and
     *    what may go wrong). `header_json` and `claims_json` are JSON
     *    objects; the host sets "alg" in the header (and "typ": "JWT" when
     *    the header has no "typ"), base64url-encodes both without padding
     *    (RFC 7515 §2), signs, and sends header.claims.signature to `sink`.
     *    The JWT is added to the redaction set. LATCHKEY_E_CONFIG when the
     *    key cannot be used, LATCHKEY_E_INTERNAL when a JSON is not an
     *    object. */
    latchkey_status (*sign_jwt)(void *ctx, const char *alg,
                                const char *key_file, const char *passphrase,
                                const char *header_json,
                                const char *claims_json, latchkey_sink sink,
                                void *user, latchkey_result *result);

    /* -- what an HTTP answer means. `status` and `retry_after` (the
     *    Retry-After header, or NULL) of an answer from `what` ("the token
     *    endpoint"): LATCHKEY_OK for 2xx, else the category the host acts
     *    on (see the table in docs/writing-providers.md: 401/403 rejected,
     *    404/422 config, 408/425/429/5xx transient ...) with a message. For
     *    a transient one, Retry-After (delta-seconds or an HTTP-date) goes
     *    to *retry_after_ms (may be NULL) and into `result` as
     *    result_retry_after would. The body is never read: a provider that
     *    understands it (an OAuth error) decides first. */
    latchkey_status (*http_error)(void *ctx, long status,
                                  const char *retry_after, const char *what,
                                  int64_t *retry_after_ms,
                                  latchkey_result *result);

    /* -- a typed extra: `len` bytes of JSON kept as JSON (`status -o json`
     *    shows the object, not a string holding it). Parsed with the caps
     *    above and stored compact; LATCHKEY_E_INTERNAL when it is not JSON.
     *    Read back by refresh/expired as its JSON text. */
    latchkey_status (*result_extra_json)(latchkey_result *result,
                                         const char *key, const char *json,
                                         size_t len);
} latchkey_host;

/* Size of the host table up to the last field of ABI 1.0 and of 1.1. */
#define LATCHKEY_HOST_V1_0_SIZE                                                \
    (offsetof(latchkey_host, result_retry_after) + sizeof(void *))
#define LATCHKEY_HOST_V1_1_SIZE                                                \
    (offsetof(latchkey_host, fetch_site) + sizeof(void *))
/* ... and of 1.3 (1.2 added no host service). */
#define LATCHKEY_HOST_V1_3_SIZE                                                \
    (offsetof(latchkey_host, result_extra_json) + sizeof(void *))

/* ---------------------------------------------------------------- the descriptor */

typedef struct latchkey_provider {
    uint32_t struct_size; /* sizeof(latchkey_provider) as the plugin saw it */
    uint16_t abi_major;   /* LATCHKEY_ABI_MAJOR */
    uint16_t abi_minor;   /* LATCHKEY_ABI_MINOR */

    const char *name;        /* "oauth2-client-credentials"; file is NAME.so */
    const char *version;     /* the plugin's own version */
    const char *description; /* one line */
    const latchkey_option *options; /* ends with { NULL } */

    /* Validates the options and makes an instance. On failure, returns an
     * error status after result_error(result, ...). */
    latchkey_status (*create)(const latchkey_host *host, void **instance,
                              latchkey_result *result);
    /* Gets a new credential from scratch. */
    latchkey_status (*acquire)(void *instance, latchkey_result *result);
    /* Renews `current`. Called only when `current` carries a refresh token
     * (whatever renews it: an OAuth refresh token, or the token itself for a
     * scheme that renews a session with the session, as Anaplan's does; set
     * it with result_refresh_token). Otherwise, or when NULL, the host calls
     * acquire. A rejected refresh drops the refresh token, then acquires. */
    latchkey_status (*refresh)(void *instance,
                               const latchkey_credential *current,
                               latchkey_result *result);
    /* Non-zero when `current` can no longer be used at `now_ms`. NULL: the
     * host decides from expires_at_ms. Runs on the read path, on many
     * threads at once: quick, read-only, no I/O (see "Threads" above). */
    int (*expired)(void *instance, const latchkey_credential *current,
                   int64_t now_ms);
    void (*destroy)(void *instance);

    /* ---- ABI 1.1. The host reads these only when struct_size covers them;
     * NULL means "not supported". */

    /* Invalidates `current` at the server (RFC 7009 revocation, say) before
     * `latchkey logout` erases it. An error is shown; the local erase still
     * happens. */
    latchkey_status (*revoke)(void *instance,
                              const latchkey_credential *current,
                              latchkey_result *result);
    /* Describes who `current` belongs to, as one JSON object sent to `sink`
     * (an OIDC userinfo response, or the claims of an ID token or JWT access
     * token — never a token or a signature). For `latchkey whoami`. */
    latchkey_status (*whoami)(void *instance,
                              const latchkey_credential *current,
                              latchkey_sink sink, void *user,
                              latchkey_result *result);
} latchkey_provider;

/* Size of the first published version of the descriptor; the host refuses a
 * smaller one. */
#define LATCHKEY_PROVIDER_V1_0_SIZE \
    (offsetof(latchkey_provider, destroy) + sizeof(void (*)(void *)))
/* Size of the descriptor as of ABI 1.1. */
#define LATCHKEY_PROVIDER_V1_1_SIZE                                            \
    (offsetof(latchkey_provider, whoami) + sizeof(void *))

typedef const latchkey_provider *(*latchkey_provider_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* LATCHKEY_PROVIDER_H */
