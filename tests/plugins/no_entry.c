/* A real shared library that is not a provider: it exports a function, just
 * not latchkey_provider_v1. The host must refuse it, naming the file. */
#include <latchkey/provider.h>

LATCHKEY_EXPORT int testplugin_not_a_provider(void) { return 42; }
