/* A descriptor that claims to be smaller than ABI 1.0's: struct_size stops
 * before `create`. The host must refuse it without reading past
 * struct_size. The fields are filled anyway so a host that wrongly reads
 * them finds something harmless rather than crashing the test. */
#include <latchkey/provider.h>

static const latchkey_option options[] = {{0}}; /* the end marker only: no options */

static latchkey_status create(const latchkey_host *host, void **out, latchkey_result *result) {
    *out = NULL;
    return host->result_error(result, LATCHKEY_E_INTERNAL,
                              "small-struct: create called despite a short descriptor");
}

static latchkey_status acquire(void *self, latchkey_result *result) {
    (void)self, (void)result;
    return LATCHKEY_E_INTERNAL;
}

static void destroy(void *self) { (void)self; }

static const latchkey_provider descriptor = {
    offsetof(latchkey_provider, create), /* < LATCHKEY_PROVIDER_V1_0_SIZE */
    LATCHKEY_ABI_MAJOR,
    LATCHKEY_ABI_MINOR,
    "small-struct",
    "1.0.0",
    "Test-only: struct_size below ABI 1.0.",
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
