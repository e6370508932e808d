/* test-extra: a trivial valid C provider for the discovery benchmark, which
 * copies this file many times under other names.
 *
 * The host requires a plugin's file to be NAME.so where NAME is the
 * descriptor's name, so a fixed name would make every copy a mismatch.
 * Instead the descriptor takes its name from the file it was loaded from
 * (dladdr on its own entry point): test-extra.so is "test-extra",
 * extra-042.so is "extra-042". The name is set once, by a load-time
 * constructor, before the host can call the entry point. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <latchkey/provider.h>
#include <stdlib.h>
#include <string.h>

static const latchkey_option options[] = {{0}}; /* the end marker only: no options */

typedef struct instance {
    const latchkey_host *host;
} instance;

static latchkey_status create(const latchkey_host *host, void **out, latchkey_result *result) {
    instance *self = malloc(sizeof *self);
    if (!self) return host->result_error(result, LATCHKEY_E_INTERNAL, "out of memory");
    self->host = host;
    *out = self;
    return LATCHKEY_OK;
}

static latchkey_status acquire(void *self, latchkey_result *result) {
    const latchkey_host *host = ((instance *)self)->host;
    host->result_token(result, "extra-token");
    host->result_token_type(result, "Bearer");
    return LATCHKEY_OK;
}

static void destroy(void *self) { free(self); }

static char name[256] = "test-extra";

static latchkey_provider descriptor = {
    sizeof(latchkey_provider),
    LATCHKEY_ABI_MAJOR,
    LATCHKEY_ABI_MINOR,
    name,
    "1.0.0",
    "Test-only: a trivial provider named after its file.",
    options,
    create,
    acquire,
    NULL,
    NULL,
    destroy,
    NULL, /* revoke: nothing to revoke */
    NULL, /* whoami */
};

LATCHKEY_EXPORT const latchkey_provider *latchkey_provider_v1(void) { return &descriptor; }

/* Copies the loaded file's basename without ".so" into `name`; keeps
 * "test-extra" when the path is unknown or unusual. */
__attribute__((constructor)) static void name_from_file(void) {
    Dl_info info;
    if (!dladdr((void *)&latchkey_provider_v1, &info) || !info.dli_fname) return;
    const char *base = strrchr(info.dli_fname, '/');
    base = base ? base + 1 : info.dli_fname;
    size_t len = strlen(base);
    if (len <= 3 || len - 3 >= sizeof name || strcmp(base + len - 3, ".so") != 0) return;
    memcpy(name, base, len - 3);
    name[len - 3] = '\0';
}
