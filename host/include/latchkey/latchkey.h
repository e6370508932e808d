/*
 * latchkey.h: the C API of liblatchkey, for C programs and every foreign
 * function interface (Python's ctypes and cffi, Rust, Go's cgo, ...). It is
 * the C++ `latchkey::Host` (latchkey/host.hpp) behind plain C: the same
 * policy resolution, cache, single-flight refresh, storage and providers.
 *
 *     latchkey_handle *lk;
 *     latchkey_error err = LATCHKEY_ERROR_INIT;
 *     if (latchkey_open(NULL, &lk, &err) != LATCHKEY_ERROR_NONE) {
 *         fprintf(stderr, "%s\n", err.message);
 *         latchkey_error_clear(&err);
 *         return 1;
 *     }
 *     latchkey_token t = LATCHKEY_TOKEN_INIT;
 *     if (latchkey_get_token(lk, "planet", 0, &t, &err) == LATCHKEY_ERROR_NONE) {
 *         ... send t.header ...
 *         // on HTTP 401: latchkey_invalidate(lk, "planet", t.token, &err);
 *         latchkey_token_release(&t);
 *     }
 *     latchkey_close(lk);
 *
 * Rules of the boundary (those of the provider ABI, sdk/include/latchkey/
 * provider.h):
 *  - Plain C: no C++ type, exception or allocator crosses it. Every call
 *    catches whatever happens inside and answers with an error kind.
 *  - Every struct starts with `struct_size`, which the caller sets to
 *    sizeof() of the struct it was compiled with (the *_INIT macros do).
 *    Structs only grow at the end: the library reads and writes only the
 *    fields the caller's struct_size covers, so a program built against this
 *    header keeps working with a newer library. A struct smaller than its
 *    first version is refused (LATCHKEY_ERROR_USAGE).
 *  - Ownership is stated at every call. Strings the caller hands in are
 *    read during the call only. What the library hands out is released
 *    with the function named next to it, and with nothing else (never
 *    free()): the library wipes the secrets it frees.
 *  - Every call that can fail returns a latchkey_error_kind:
 *    LATCHKEY_ERROR_NONE (0) on success, else the kind, with the details in
 *    `*error` when `error` is not NULL. No message holds a secret.
 *
 * Threads. A handle is shared by any number of threads at once; reading a
 * cached credential takes no lock. Only latchkey_close() must not race with
 * other calls on the same handle.
 *
 * fork(). A handle opened before fork() is not usable in the child: a
 * thread that does not exist there may have held one of its locks (a
 * refresh in progress) at the moment of the fork. Every call on it in the
 * child fails with LATCHKEY_ERROR_USAGE and says so, rather than risk
 * waiting forever; latchkey_close() in the child releases only the handle,
 * and the child opens a handle of its own. The parent's handle is unaffected.
 *
 * A running agent. When a `latchkey agent` serves the handle's policy,
 * latchkey_get_token() gets the credential from it (the secrets it needs
 * stay with the agent) and latchkey_invalidate() goes to it; when none
 * answers or it declines, the handle works alone within the same call, with
 * the same results and errors. latchkey_token.agent_socket says who served.
 * The rules (LATCHKEY_AGENT=off, `sets`, `plugin_dirs`, `work_alone`) are
 * those of latchkey::Host (latchkey/host.hpp, "A running agent").
 *
 * Symbols are versioned (LATCHKEY_1.0) in liblatchkey.so.
 */
#ifndef LATCHKEY_LATCHKEY_H
#define LATCHKEY_LATCHKEY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The C API's version: the functions are those of 1.0; 1.1 added
 * latchkey_open_options.work_alone and latchkey_token.agent_socket. */
#define LATCHKEY_C_API_MAJOR 1
#define LATCHKEY_C_API_MINOR 1

/* --------------------------------------------------------------- errors */

/* What went wrong: latchkey::ErrorKind (latchkey/error.hpp), plus NONE. */
typedef enum latchkey_error_kind {
    LATCHKEY_ERROR_NONE = 0,
    LATCHKEY_ERROR_USAGE = 1,          /* a wrong call: NULL, a closed or pre-fork handle */
    LATCHKEY_ERROR_CONFIG = 2,         /* the policy is wrong (file:line:column), unknown site */
    LATCHKEY_ERROR_PLUGIN = 3,         /* a provider plugin was refused (names the file) */
    LATCHKEY_ERROR_REJECTED = 4,       /* the server refused the credentials */
    LATCHKEY_ERROR_TRANSIENT = 5,      /* network or server trouble that outlasted the retries */
    LATCHKEY_ERROR_LOGIN_REQUIRED = 6, /* a person must log in: see `command` */
    LATCHKEY_ERROR_STORAGE = 7,        /* the token store is unusable */
    LATCHKEY_ERROR_INTERNAL = 8        /* a bug or an unexpected answer */
} latchkey_error_kind;

/* The details of a failure. The caller owns the struct (usually on the
 * stack, set up with LATCHKEY_ERROR_INIT); the library fills it on failure
 * and owns the strings it points to, until latchkey_error_clear(). A call
 * that fails clears what the struct held before. */
typedef struct latchkey_error {
    uint32_t struct_size;
    latchkey_error_kind kind;
    /* For the person who has to fix it: what failed, where, and the next step. */
    char *message;
    /* A policy error's position: the file, and 1-based line and column
     * (NULL and 0 when the message names no position). */
    char *file;
    uint32_t line;
    uint32_t column;
    /* LATCHKEY_ERROR_LOGIN_REQUIRED: the command a person runs, e.g.
     * "latchkey login --at planet" ("latchkey --config PATH login --at
     * planet" for a handle opened with its own config_path); else NULL. */
    char *command;
} latchkey_error;

#define LATCHKEY_ERROR_V1_0_SIZE (offsetof(latchkey_error, command) + sizeof(char *))
#define LATCHKEY_ERROR_INIT \
    { sizeof(latchkey_error), LATCHKEY_ERROR_NONE, NULL, NULL, 0, 0, NULL }

/* Frees the strings `error` holds and sets it back to NONE. NULL is fine. */
void latchkey_error_clear(latchkey_error *error);

/* "usage", "config", "login_required", ...: a static string, never NULL. */
const char *latchkey_error_kind_name(latchkey_error_kind kind);

/* ------------------------------------------------------------ opening */

/* How to open a handle: latchkey::HostOptions. Every field may be NULL or
 * 0, and then the documented precedence applies (--config, LATCHKEY_CONFIG,
 * $XDG_CONFIG_HOME/latchkey/config.toml; --at, LATCHKEY_SITE, default_site,
 * the only site). The strings are read during latchkey_open() only. */
typedef struct latchkey_open_options {
    uint32_t struct_size;
    const char *config_path;        /* the policy file */
    const char *site;               /* the selected site */
    const char *const *sets;        /* "key=value" overrides, NULL-terminated */
    const char *const *plugin_dirs; /* searched first, NULL-terminated */
    const char *storage;            /* backend when the policy names none (default "memory") */
    int interactive;                /* non-zero: providers may prompt (latchkey_login) */
    const char *log_level;          /* "debug", "info", "warn" (default), "error" */
    /* 1.1: non-zero: never ask a running agent (as LATCHKEY_AGENT=off does
     * for every handle); 0: ask one when it answers (the default). */
    int work_alone;
} latchkey_open_options;

#define LATCHKEY_OPEN_OPTIONS_V1_0_SIZE \
    (offsetof(latchkey_open_options, log_level) + sizeof(const char *))
#define LATCHKEY_OPEN_OPTIONS_V1_1_SIZE (offsetof(latchkey_open_options, work_alone) + sizeof(int))
#define LATCHKEY_OPEN_OPTIONS_INIT \
    { sizeof(latchkey_open_options), NULL, NULL, NULL, NULL, NULL, 0, NULL, 0 }

/* A host: the policy read, its sites ready to serve. Opaque. */
typedef struct latchkey_handle latchkey_handle;

/* Opens a handle with `options` (NULL: all defaults). On success `*out`
 * is the caller's, to be released with latchkey_close(); on failure it is
 * set to NULL (a broken policy: LATCHKEY_ERROR_CONFIG with its position). */
latchkey_error_kind latchkey_open(const latchkey_open_options *options, latchkey_handle **out,
                                  latchkey_error *error);

/* Releases the handle and every site's cached credential (wiped). NULL is
 * fine. No other call on the handle may run at the same time or after. */
void latchkey_close(latchkey_handle *handle);

/* --------------------------------------------------------- credentials */

/* A credential as handed out. The caller owns the struct (set up with
 * LATCHKEY_TOKEN_INIT); the library owns every string and array it points
 * to, until latchkey_token_release(). */
typedef struct latchkey_token {
    uint32_t struct_size;
    const char *token;        /* the secret itself */
    const char *token_type;   /* "Bearer", "AnaplanAuthToken", or "" (a bare token) */
    const char *header_name;  /* "Authorization", "X-API-Key", ... */
    const char *header_value; /* "Bearer eyJ..." */
    const char *header;       /* the whole line: "Authorization: Bearer eyJ..." */
    int64_t expires_at_ms;    /* Unix epoch milliseconds; 0: does not expire */
    int64_t obtained_at_ms;
    /* Non-secret fields the provider kept (instance_url, scope, ...). */
    size_t extra_count;
    const char *const *extra_keys;
    const char *const *extra_values;
    void *internal; /* the library's; do not touch */
    /* 1.1: the socket of the running agent that served it; NULL when this
     * process got it itself. */
    const char *agent_socket;
} latchkey_token;

#define LATCHKEY_TOKEN_V1_0_SIZE (offsetof(latchkey_token, internal) + sizeof(void *))
#define LATCHKEY_TOKEN_V1_1_SIZE (offsetof(latchkey_token, agent_socket) + sizeof(const char *))
#define LATCHKEY_TOKEN_INIT \
    { sizeof(latchkey_token), NULL, NULL, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL }

/* The credential for `site` (NULL or "": the selected site): from cache,
 * refreshed ahead of expiry, or acquired; blocks while a fetch is needed.
 * `min_valid_ms` > 0 asks for one that stays valid at least that long
 * (fetching a new one when the cached one would not). On success the
 * library fills `*out`, which the caller hands back with
 * latchkey_token_release(); on failure `*out` holds nothing to release. */
latchkey_error_kind latchkey_get_token(latchkey_handle *handle, const char *site,
                                       int64_t min_valid_ms, latchkey_token *out,
                                       latchkey_error *error);

/* Wipes and frees what latchkey_get_token() or latchkey_login() put in
 * `token`, and sets its pointers to NULL. NULL, or a token already
 * released, is fine. */
void latchkey_token_release(latchkey_token *token);

/* The server refused `refused_token` (HTTP 401): forgets the site's cached
 * and stored credential when it still is that token, so the next
 * latchkey_get_token() fetches a new one. When another thread already got a
 * new credential, nothing is dropped: many callers that saw the same 401
 * cause one fetch. `refused_token` NULL forgets whatever is cached. */
latchkey_error_kind latchkey_invalidate(latchkey_handle *handle, const char *site,
                                        const char *refused_token, latchkey_error *error);

/* `latchkey login`: a credential now, from the provider when `force` is
 * non-zero or nothing valid is stored (interactive when the handle was
 * opened with `interactive`; prompts and addresses go to standard error).
 * `*out` as for latchkey_get_token(). */
latchkey_error_kind latchkey_login(latchkey_handle *handle, const char *site, int force,
                                   latchkey_token *out, latchkey_error *error);

/* ----------------------------------------------------------------- sites */

/* The policy's sites, by name: on success `*names` is a
 * NULL-terminated array owned by the caller, released with
 * latchkey_strings_free(). */
latchkey_error_kind latchkey_sites(latchkey_handle *handle, char ***names, latchkey_error *error);

/* The selected site's name (`--at`, LATCHKEY_SITE, default_site, the only
 * site), owned by the caller: latchkey_string_free(). */
latchkey_error_kind latchkey_selected_site(latchkey_handle *handle, char **name,
                                           latchkey_error *error);

/* The provider a site uses ("oauth2-device-code"), owned by the caller:
 * latchkey_string_free(). */
latchkey_error_kind latchkey_site_provider(latchkey_handle *handle, const char *site,
                                           char **provider, latchkey_error *error);

/* Frees a string or an array the library handed out. NULL is fine. */
void latchkey_string_free(char *s);
void latchkey_strings_free(char **strings);

/* The library's version, "0.1.0": a static string. */
const char *latchkey_version(void);

#ifdef __cplusplus
}
#endif

#endif /* LATCHKEY_LATCHKEY_H */
