/* Providers that fail the way third-party code can, for the isolation tests
 * (tests/integration/isolation): built once per way, each named after it.
 *   test-crash    acquire dereferences a null pointer (SIGSEGV)
 *   test-hang     acquire never returns
 *   test-hog      acquire allocates memory until malloc fails, then aborts,
 *                 as an xmalloc would (it touches one byte a megabyte, so
 *                 the address space runs out long before the machine's RAM)
 *   test-garbage  acquire writes garbage to standard output and exits
 * With `misbehave_while` set they misbehave only while that file exists and
 * otherwise hand out the token "calm-NAME", so a test can see the site
 * recover. */
#include <latchkey/provider.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(HOSTILE_CRASH)
#define HOSTILE_NAME "test-crash"
#elif defined(HOSTILE_HANG)
#define HOSTILE_NAME "test-hang"
#elif defined(HOSTILE_HOG)
#define HOSTILE_NAME "test-hog"
#elif defined(HOSTILE_GARBAGE)
#define HOSTILE_NAME "test-garbage"
#else
#error "define HOSTILE_CRASH, HOSTILE_HANG, HOSTILE_HOG or HOSTILE_GARBAGE"
#endif

typedef struct instance {
    const latchkey_host *host;
} instance;

static const latchkey_option options[] = {
    {"misbehave_while", LATCHKEY_OPT_STRING, 0, NULL,
     "misbehave only while this file exists (default: always)"},
    {0}};

static latchkey_status create(const latchkey_host *host, void **out, latchkey_result *result) {
    instance *self = malloc(sizeof *self);
    if (!self) return host->result_error(result, LATCHKEY_E_INTERNAL, "out of memory");
    self->host = host;
    *out = self;
    return LATCHKEY_OK;
}

static void misbehave(void) {
#if defined(HOSTILE_CRASH)
    volatile int *nothing = NULL;
    *nothing = 1;
#elif defined(HOSTILE_HANG)
    for (;;) sleep(1000);
#elif defined(HOSTILE_HOG)
    for (;;) {
        char *chunk = malloc(1 << 20);
        if (!chunk) abort();
        chunk[0] = 1;
    }
#elif defined(HOSTILE_GARBAGE)
    static const char junk[] = "\x1b[2J garbage from " HOSTILE_NAME " \x01\x02\x03\n";
    if (write(1, junk, sizeof junk - 1) < 0) _exit(5);
    _exit(0);
#endif
}

static latchkey_status acquire(void *self, latchkey_result *result) {
    const latchkey_host *host = ((instance *)self)->host;
    const char *marker = host->option(host->ctx, "misbehave_while");
    if (!marker || access(marker, F_OK) == 0) misbehave();
    host->result_token(result, "calm-" HOSTILE_NAME);
    return LATCHKEY_OK;
}

static void destroy(void *self) { free(self); }

static const latchkey_provider descriptor = {
    sizeof(latchkey_provider),
    LATCHKEY_ABI_MAJOR,
    LATCHKEY_ABI_MINOR,
    HOSTILE_NAME,
    "1.0.0",
    "Test-only: misbehaves in acquire (" HOSTILE_NAME ").",
    options,
    create,
    acquire,
    NULL,
    NULL,
    destroy,
    NULL,
    NULL,
};

LATCHKEY_EXPORT const latchkey_provider *latchkey_provider_v1(void) { return &descriptor; }
