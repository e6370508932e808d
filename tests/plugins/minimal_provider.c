/* A minimal provider written in plain C against provider.h alone, proving a
 * C plugin works. It hands out a fixed token. Built several times under
 * different names: the test cases set TESTPLUGIN_NAME (the descriptor name)
 * and TESTPLUGIN_DESCRIPTION. */
#include <latchkey/provider.h>
#include <stdlib.h>

#ifndef TESTPLUGIN_NAME
#error "define TESTPLUGIN_NAME"
#endif
#ifndef TESTPLUGIN_DESCRIPTION
#define TESTPLUGIN_DESCRIPTION "Test-only: a minimal C provider."
#endif

typedef struct instance {
    const latchkey_host *host;
} instance;

static const latchkey_option options[] = {{0}}; /* the end marker only: no options */

static latchkey_status create(const latchkey_host *host, void **out, latchkey_result *result) {
    instance *self = malloc(sizeof *self);
    if (!self) return host->result_error(result, LATCHKEY_E_INTERNAL, "out of memory");
    self->host = host;
    *out = self;
    return LATCHKEY_OK;
}

static latchkey_status acquire(void *self, latchkey_result *result) {
    const latchkey_host *host = ((instance *)self)->host;
    host->result_token(result, "static-" TESTPLUGIN_NAME);
    host->result_token_type(result, "Bearer");
    return LATCHKEY_OK;
}

static void destroy(void *self) { free(self); }

/* Built as a plugin of ABI 1.0 would be: the descriptor ends at `destroy`, so
 * the host must not read the fields 1.1 appended. */
static const latchkey_provider descriptor = {
    LATCHKEY_PROVIDER_V1_0_SIZE,
    LATCHKEY_ABI_MAJOR,
    0,
    TESTPLUGIN_NAME,
    "1.0.0",
    TESTPLUGIN_DESCRIPTION,
    options,
    create,
    acquire,
    NULL, /* refresh: the host acquires again */
    NULL, /* expired: the host decides from expires_at */
    destroy,
    NULL, /* past struct_size: never read */
    NULL,
};

LATCHKEY_EXPORT const latchkey_provider *latchkey_provider_v1(void) { return &descriptor; }
