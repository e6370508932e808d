/* A descriptor from a future, incompatible ABI (major 2). Written by hand,
 * not with the C++ macro, so the version is exactly what we say. The host
 * must refuse it before calling anything; if it does call, the functions
 * below say so in the error. */
#include <latchkey/provider.h>

static const latchkey_option options[] = {{0}}; /* the end marker only: no options */

static latchkey_status create(const latchkey_host *host, void **out, latchkey_result *result) {
    *out = NULL;
    return host->result_error(result, LATCHKEY_E_INTERNAL,
                              "abi-major: create called despite ABI major 2");
}

static latchkey_status acquire(void *self, latchkey_result *result) {
    (void)self, (void)result;
    return LATCHKEY_E_INTERNAL;
}

static void destroy(void *self) { (void)self; }

static const latchkey_provider descriptor = {
    sizeof(latchkey_provider),
    2, /* abi_major: not LATCHKEY_ABI_MAJOR */
    0,
    "abi-major",
    "1.0.0",
    "Test-only: claims ABI major 2.",
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
