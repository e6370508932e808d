/*
 * latchkey storage plugin ABI, version 1.
 *
 * A storage plugin is a shared library that keeps credentials for the host:
 * application-provided storage, without recompiling the host. It exports one
 * C function, `latchkey_storage_v1`, returning a pointer to a static
 * descriptor. The host finds it like a provider (NAME.so on the plugin search
 * path) when the policy names a backend that is not built in:
 *
 *     [storage]
 *     backend = "directory-storage"      # or a site's  storage = "..."
 *
 *     [storage.directory-storage]        # options, checked against `options`
 *     dir = "/var/lib/myapp/latchkey"
 *
 * The host reads the descriptor, resolves [storage.NAME] against its option
 * schema, and calls `open` once per handle, then `load` / `save` / `erase` /
 * `lock` / `unlock` / `list`, and finally `close`. Sample: see
 * sdk/examples/directory-storage/.
 *
 * The same rules as the provider ABI (latchkey/provider.h) hold:
 *  - Plain C only. No C++ type, exception or allocator crosses it; a plugin
 *    written in C++ catches everything before returning.
 *  - Every struct starts with `struct_size` and only ever grows at the end. A
 *    reader checks `struct_size` before touching a field added in a later
 *    minor version.
 *  - Memory is never freed across the boundary. Strings the host hands in are
 *    valid for the duration of the call. Bytes go out through a host-owned
 *    `latchkey_sink`, which copies what it is given; errors go into a buffer
 *    the host owns (`error`, `error_len` bytes, to be NUL-terminated).
 *  - Error texts must not contain a secret. The host passes them through its
 *    redactor before showing them, but it cannot know every secret.
 *
 * What crosses the boundary:
 *  - A key names one stored credential: 1 to 200 bytes of [A-Za-z0-9._-],
 *    never starting with '.', so it is safe as a file name or a Redis key.
 *  - A document is the credential as the host serialises it (a small JSON
 *    text holding the token: treat it as a secret). The plugin stores and
 *    returns it byte for byte; it need not understand it. A document that
 *    comes back altered is reported by the host and treated as absent.
 *
 * Versions: as in provider.h. The host refuses another major; a field added
 * in minor N is read only when `struct_size` covers it and the descriptor
 * declares `abi_minor` >= N (minor 0 has none yet); a newer minor than the
 * host's loads, and the host uses the fields it knows.
 *
 * Threads:
 *  - The host may open several instances of one plugin in one process (one
 *    per Host object, say), used from different threads at once: state
 *    shared between instances must be thread-safe.
 *  - `open` runs first and `close` last, each with no other call on that
 *    instance running. Every other function may be called from several
 *    threads at once on the same instance, on the same key or on different
 *    ones.
 *  - No storage call is on the host's lock-free read path: the host calls
 *    the store on the first read of a site in a process, around a refresh
 *    or login, for `latchkey logout` and for a provider's cache. So blocking
 *    I/O (a file, a socket) is expected there.
 *  - `lock` waits as long as another holder keeps the key, which may be an
 *    interactive login. While holding a key's lock the host calls `load`,
 *    `save` and `erase` on that key from the same thread, and it calls
 *    `load` without the lock too: those three must never wait for the key's
 *    lock themselves (a lock held by this very thread would deadlock).
 *  - The host table's functions may be called from any thread, from `open`
 *    until `close` returns.
 */
#ifndef LATCHKEY_STORAGE_H
#define LATCHKEY_STORAGE_H

#include <latchkey/provider.h> /* latchkey_status, latchkey_option, latchkey_sink, ... */

#ifdef __cplusplus
extern "C" {
#endif

/* The storage ABI is versioned on its own: a provider ABI change does not
 * break storage plugins, nor the other way round. */
#define LATCHKEY_STORAGE_ABI_MAJOR 1
#define LATCHKEY_STORAGE_ABI_MINOR 0

/* The one symbol a storage plugin exports. */
#define LATCHKEY_STORAGE_ENTRY "latchkey_storage_v1"

/* ---------------------------------------------------------------- host services */

/*
 * Services the host hands to `open`. One table per instance; the plugin may
 * keep the pointer until `close`. `ctx` is the host's and goes back as the
 * first argument of every call.
 */
typedef struct latchkey_storage_host {
    uint32_t struct_size;
    uint16_t abi_major; /* LATCHKEY_STORAGE_ABI_MAJOR */
    uint16_t abi_minor;
    void *ctx;

    /* -- options from [storage.NAME] (and LATCHKEY_NAME_KEY variables, NAME
     *    upper-cased with '-' as '_'), already validated against the schema.
     *    NULL when unset and without default. Durations come as seconds;
     *    lists as one space-joined string, or item by item below. Valid until
     *    `close`. */
    const char *(*option)(void *ctx, const char *key);
    size_t (*option_list_size)(void *ctx, const char *key);
    const char *(*option_list_item)(void *ctx, const char *key, size_t index);

    /* -- logging through the host (redacted, shown per the host's level). */
    void (*log)(void *ctx, latchkey_log_level level, const char *message);

    /* -- Unix epoch milliseconds, the clock expiry times are measured on. */
    int64_t (*now_ms)(void *ctx);
} latchkey_storage_host;

/* ---------------------------------------------------------------- the descriptor */

/*
 * Every function returns LATCHKEY_OK, or an error status after writing a
 * one-line reason into `error`. The host reports any error as a storage error
 * naming the plugin file; the status says what kind:
 *   LATCHKEY_E_CONFIG     the options are wrong (a missing directory, ...)
 *   LATCHKEY_E_TRANSIENT  the store is unreachable for now
 *   LATCHKEY_E_INTERNAL   anything else
 */
typedef struct latchkey_storage {
    uint32_t struct_size; /* sizeof(latchkey_storage) as the plugin saw it */
    uint16_t abi_major;   /* LATCHKEY_STORAGE_ABI_MAJOR */
    uint16_t abi_minor;   /* LATCHKEY_STORAGE_ABI_MINOR */

    const char *name;               /* "directory-storage"; the file is NAME.so */
    const char *version;            /* the plugin's own version */
    const char *description;        /* one line */
    const latchkey_option *options; /* ends with { NULL }; IDENTITY is ignored */

    /* Checks the options and makes an instance. */
    latchkey_status (*open)(const latchkey_storage_host *host, void **instance, char *error,
                            size_t error_len);
    /* The document stored under `key`, through `sink` (in one or several
     * pieces), and *found = 1; or *found = 0 (and no sink call) when there is
     * none. An absent key is not an error. */
    latchkey_status (*load)(void *instance, const char *key, latchkey_sink sink, void *user,
                            int *found, char *error, size_t error_len);
    /* Replaces whatever `key` held with `document` (`len` bytes, not
     * NUL-terminated in general). A concurrent load sees the old document or
     * the new one, never a mix. `expires_at_ms` (0 = never) says when the
     * credential expires, for stores that can drop entries by themselves. */
    latchkey_status (*save)(void *instance, const char *key, const char *document, size_t len,
                            int64_t expires_at_ms, char *error, size_t error_len);
    /* Removes `key`. Removing an absent key succeeds. */
    latchkey_status (*erase)(void *instance, const char *key, char *error, size_t error_len);
    /* Blocks until `key` is locked exclusively against every other holder:
     * other threads, other instances, other processes (and other machines,
     * for a shared store). *lock receives the plugin's handle for it (NULL is
     * a valid handle); the host hands it back to `unlock`, once. Locking a
     * key does not require the key to be stored. */
    latchkey_status (*lock)(void *instance, const char *key, void **lock, char *error,
                            size_t error_len);
    void (*unlock)(void *instance, void *lock);
    /* Every stored key, each through one `sink` call (data = the key, without
     * a terminating NUL). */
    latchkey_status (*list)(void *instance, latchkey_sink sink, void *user, char *error,
                            size_t error_len);
    /* Releases the instance; every lock has been unlocked by then. */
    void (*close)(void *instance);

    /* Optional (NULL: the host shows the plugin file). Where the store keeps
     * things, for people, through one `sink` call: a directory, a URL
     * without its password, ... */
    void (*location)(void *instance, latchkey_sink sink, void *user);
    /* Optional (NULL: the host lists the keys as a probe). Checks that the
     * store is reachable and safe (permissions, ...) and describes it in one
     * line through `sink`, or fails with a reason and the next step. */
    latchkey_status (*check)(void *instance, latchkey_sink sink, void *user, char *error,
                             size_t error_len);
} latchkey_storage;

/* Size of the first published version of the descriptor; the host refuses a
 * smaller one. */
#define LATCHKEY_STORAGE_V1_0_SIZE       \
    (offsetof(latchkey_storage, check) + \
     sizeof(latchkey_status(*)(void *, latchkey_sink, void *, char *, size_t)))

typedef const latchkey_storage *(*latchkey_storage_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* LATCHKEY_STORAGE_H */
