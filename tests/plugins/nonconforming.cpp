// nonconforming: a provider that loads and works, but breaks the rules
// latchkey-provider-check enforces, one per check, so its test can see each
// check fail by name: client_id names a principal but is not IDENTITY (and
// create does not insist on it although it is REQUIRED), client_secret is
// not SECRET, acquire's error echoes the api_key and the site's name, refresh
// lets a C++ exception out through the C boundary, and every create leaks.
// Built on provider.h alone: provider.hpp would catch the exception.
#include <latchkey/provider.h>

#include <stdexcept>
#include <string>

namespace {

const latchkey_option kOptions[] = {
    {"client_id", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED, nullptr, "not IDENTITY"},
    {"client_secret", LATCHKEY_OPT_STRING, 0, nullptr, "not SECRET"},
    {"api_key", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET | LATCHKEY_OPTF_IDENTITY, nullptr,
     "echoed in acquire's error"},
    {},
};

struct Instance {
    const latchkey_host* host;
};

char* volatile last_buffer;

latchkey_status create(const latchkey_host* host, void** out, latchkey_result*) {
    last_buffer = new char[4096];  // the one before is lost: never freed
    *out = new Instance{host};
    return LATCHKEY_OK;
}

latchkey_status acquire(void* instance, latchkey_result* result) {
    const latchkey_host* h = static_cast<Instance*>(instance)->host;
    const char* key = h->option(h->ctx, "api_key");
    const std::string message = std::string("site '") + h->site_name(h->ctx) + "': the key " +
                                (key ? key : "") + " was refused";
    return h->result_error(result, LATCHKEY_E_REJECTED, message.c_str());
}

latchkey_status refresh(void*, const latchkey_credential*, latchkey_result*) {
    throw std::runtime_error("refresh is not written yet");
}

void destroy(void* instance) { delete static_cast<Instance*>(instance); }

}  // namespace

extern "C" LATCHKEY_EXPORT const latchkey_provider* latchkey_provider_v1(void) {
    static const latchkey_provider descriptor = [] {
        latchkey_provider d{};
        d.struct_size = sizeof d;
        d.abi_major = LATCHKEY_ABI_MAJOR;
        d.abi_minor = LATCHKEY_ABI_MINOR;
        d.name = "nonconforming";
        d.version = "0.1.0";
        d.description = "Test-only: breaks every rule latchkey-provider-check checks.";
        d.options = kOptions;
        d.create = create;
        d.acquire = acquire;
        d.refresh = refresh;
        d.destroy = destroy;
        return d;
    }();
    return &descriptor;
}
