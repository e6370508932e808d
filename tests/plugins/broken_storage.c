/* Test-only storage plugins that misbehave, one per build of this file:
 *
 *  BROKEN_STORAGE_ERROR    error-storage.so: opens, then every call fails
 *      with a message. The messages echo what a careless plugin would: the
 *      secret option `password`, and the document it was asked to save
 *      (which holds the token). The host must redact both. With
 *      fail_open = true, open itself fails (LATCHKEY_E_CONFIG).
 *  BROKEN_STORAGE_GARBAGE  garbage-storage.so: every load finds a document
 *      that is not a credential (`garbage` = "bytes": binary junk with NULs;
 *      "json": JSON of another shape; "huge": more than the host accepts);
 *      list returns names that are not keys; location has control bytes;
 *      open logs at a level that does not exist.
 *      Saves and erases succeed and are forgotten.
 *  BROKEN_STORAGE_ABI_MAJOR abi-major-storage.so: a descriptor for storage
 *      ABI 2, whose functions say so if they are ever called.
 */
#include <latchkey/storage.h>
#include <stdio.h>
#include <string.h>

/* The address is the instance; nothing to free. */
static int instance_token __attribute__((unused));

__attribute__((unused)) static latchkey_status fail(char *error, size_t error_len,
                                                    latchkey_status st, const char *text) {
    snprintf(error, error_len, "%s", text);
    return st;
}

#if defined(BROKEN_STORAGE_ERROR)

#define NAME "error-storage"
static const latchkey_option options[] = {
    {"password", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, "pw-Unit-storage-9q", "a secret"},
    {"fail_open", LATCHKEY_OPT_BOOL, 0, "false", "make open fail"},
    {0},
};
static const latchkey_storage_host *the_host;

static latchkey_status s_open(const latchkey_storage_host *host, void **out, char *error,
                              size_t error_len) {
    const char *f = host->option(host->ctx, "fail_open");
    the_host = host;
    *out = NULL;
    if (f && strcmp(f, "true") == 0)
        return fail(error, error_len, LATCHKEY_E_CONFIG, "bucket 'tokens' does not exist");
    *out = &instance_token;
    return LATCHKEY_OK;
}
static latchkey_status s_load(void *self, const char *key, latchkey_sink sink, void *user,
                              int *found, char *error, size_t error_len) {
    (void)self, (void)key, (void)sink, (void)user;
    *found = 0;
    snprintf(error, error_len, "vault at 10.9.9.9 refused login with password %s\n\x1b[31m(retry)",
             the_host->option(the_host->ctx, "password"));
    return LATCHKEY_E_TRANSIENT;
}
static latchkey_status s_save(void *self, const char *key, const char *doc, size_t len,
                              int64_t expires_at_ms, char *error, size_t error_len) {
    (void)self, (void)key, (void)expires_at_ms;
    snprintf(error, error_len, "document rejected: %.*s", (int)len, doc);
    return LATCHKEY_E_INTERNAL;
}
static latchkey_status s_erase(void *self, const char *key, char *error, size_t error_len) {
    (void)self, (void)key;
    return fail(error, error_len, LATCHKEY_E_INTERNAL, "erase is not allowed");
}
static latchkey_status s_lock(void *self, const char *key, void **lock, char *error,
                              size_t error_len) {
    (void)self, (void)key;
    *lock = NULL;
    return fail(error, error_len, LATCHKEY_E_TRANSIENT, "lock service unreachable");
}
static latchkey_status s_list(void *self, latchkey_sink sink, void *user, char *error,
                              size_t error_len) {
    (void)self, (void)sink, (void)user;
    /* 42 is no latchkey_status at all; and no message */
    (void)error, (void)error_len;
    return (latchkey_status)42;
}
#define S_LOCATION NULL

#elif defined(BROKEN_STORAGE_GARBAGE)

#define NAME "garbage-storage"
static const latchkey_option options[] = {
    {"garbage", LATCHKEY_OPT_STRING, 0, "bytes", "bytes | json | huge"},
    {0},
};
static const char *garbage = "bytes";

static latchkey_status s_open(const latchkey_storage_host *host, void **out, char *error,
                              size_t error_len) {
    const char *g = host->option(host->ctx, "garbage");
    (void)error, (void)error_len;
    if (g) garbage = g;
    host->log(host->ctx, (latchkey_log_level)99, "opened\nwith a log level that is none");
    *out = &instance_token;
    return LATCHKEY_OK;
}
static latchkey_status s_load(void *self, const char *key, latchkey_sink sink, void *user,
                              int *found, char *error, size_t error_len) {
    static const char junk[] = "\x01\xff\xfe not a credential \0 {\"token\":";
    static const char other[] = "{\"format\":\"something-else\",\"token\":\"x\"}";
    static char block[64 * 1024];
    (void)self, (void)key, (void)error, (void)error_len;
    if (strcmp(garbage, "json") == 0) {
        sink(user, other, sizeof other - 1);
    } else if (strcmp(garbage, "huge") == 0) {
        int i;
        memset(block, '[', sizeof block);
        for (i = 0; i < 40; ++i) sink(user, block, sizeof block); /* 2.5 MiB */
    } else {
        sink(user, junk, sizeof junk - 1);
    }
    *found = 1;
    return LATCHKEY_OK;
}
static latchkey_status s_save(void *self, const char *key, const char *doc, size_t len,
                              int64_t expires_at_ms, char *error, size_t error_len) {
    (void)self, (void)key, (void)doc, (void)len, (void)expires_at_ms, (void)error, (void)error_len;
    return LATCHKEY_OK;
}
static latchkey_status s_erase(void *self, const char *key, char *error, size_t error_len) {
    (void)self, (void)key, (void)error, (void)error_len;
    return LATCHKEY_OK;
}
static latchkey_status s_lock(void *self, const char *key, void **lock, char *error,
                              size_t error_len) {
    (void)self, (void)key, (void)error, (void)error_len;
    *lock = NULL;
    return LATCHKEY_OK;
}
static latchkey_status s_list(void *self, latchkey_sink sink, void *user, char *error,
                              size_t error_len) {
    (void)self, (void)error, (void)error_len;
    sink(user, "../../etc/passwd", 16);
    sink(user, "", 0);
    sink(user, "with\0nul", 8);
    sink(user, ".hidden", 7);
    sink(user, "good.0123456789abcdef", 21);
    return LATCHKEY_OK;
}
static void s_location(void *self, latchkey_sink sink, void *user) {
    (void)self;
    sink(user, "\x1b[31mred\nvault://10.9.9.9\r", 26);
}
#define S_LOCATION s_location

#elif defined(BROKEN_STORAGE_ABI_MAJOR)

#define NAME "abi-major-storage"
static const latchkey_option options[] = {{0}};
static latchkey_status s_open(const latchkey_storage_host *host, void **out, char *error,
                              size_t error_len) {
    (void)host;
    *out = NULL;
    return fail(error, error_len, LATCHKEY_E_INTERNAL,
                "abi-major-storage: open called despite ABI 2");
}
static latchkey_status s_load(void *self, const char *key, latchkey_sink sink, void *user,
                              int *found, char *error, size_t error_len) {
    (void)self, (void)key, (void)sink, (void)user, (void)found;
    return fail(error, error_len, LATCHKEY_E_INTERNAL, "called despite ABI 2");
}
static latchkey_status s_save(void *self, const char *key, const char *doc, size_t len,
                              int64_t expires_at_ms, char *error, size_t error_len) {
    (void)self, (void)key, (void)doc, (void)len, (void)expires_at_ms;
    return fail(error, error_len, LATCHKEY_E_INTERNAL, "called despite ABI 2");
}
static latchkey_status s_erase(void *self, const char *key, char *error, size_t error_len) {
    (void)self, (void)key;
    return fail(error, error_len, LATCHKEY_E_INTERNAL, "called despite ABI 2");
}
static latchkey_status s_lock(void *self, const char *key, void **lock, char *error,
                              size_t error_len) {
    (void)self, (void)key, (void)lock;
    return fail(error, error_len, LATCHKEY_E_INTERNAL, "called despite ABI 2");
}
static latchkey_status s_list(void *self, latchkey_sink sink, void *user, char *error,
                              size_t error_len) {
    (void)self, (void)sink, (void)user;
    return fail(error, error_len, LATCHKEY_E_INTERNAL, "called despite ABI 2");
}
#define S_LOCATION NULL

#else
#error "build with one of BROKEN_STORAGE_ERROR, BROKEN_STORAGE_GARBAGE, BROKEN_STORAGE_ABI_MAJOR"
#endif

static void s_unlock(void *self, void *lock) { (void)self, (void)lock; }
static void s_close(void *self) { (void)self; }

static const latchkey_storage descriptor = {
    sizeof(latchkey_storage),
#if defined(BROKEN_STORAGE_ABI_MAJOR)
    2, /* not LATCHKEY_STORAGE_ABI_MAJOR */
#else
    LATCHKEY_STORAGE_ABI_MAJOR,
#endif
    LATCHKEY_STORAGE_ABI_MINOR,
    NAME,
    "0.0.1",
    "Test-only: a storage plugin that misbehaves.",
    options,
    s_open,
    s_load,
    s_save,
    s_erase,
    s_lock,
    s_unlock,
    s_list,
    s_close,
    S_LOCATION,
    NULL, /* check: the host probes with list */
};

LATCHKEY_EXPORT const latchkey_storage *latchkey_storage_v1(void) { return &descriptor; }
