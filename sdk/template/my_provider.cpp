// my-provider: the smallest useful latchkey provider. It hands out a token
// taken from the site's options. Replace acquire() with your scheme.
#include <latchkey/provider.hpp>

namespace {

// The option schema `latchkey providers show my-provider` prints. The host
// validates the policy against it and resolves { env = ... } / { file = ... }.
// Names follow docs/option-names.md: a static secret is `api_key`, a file
// `*_file` (declared LATCHKEY_OPT_PATH, so `~/` arrives expanded).
//
// Flags, see docs/writing-providers.md:
//  - SECRET: never shown, redacted from every message and log line.
//  - IDENTITY: the value says *whose* credential this is (a key, a client
//    or app id, a user name, a tenant, the token URL, the scopes). It is part
//    of the key the cached credential is stored under, so changing it in the
//    policy gets a new credential. Without it, a site whose app_id changed
//    is served the old app's cached token until it expires.
const latchkey_option kOptions[] = {
    {"api_key", LATCHKEY_OPT_STRING,
     LATCHKEY_OPTF_REQUIRED | LATCHKEY_OPTF_SECRET | LATCHKEY_OPTF_IDENTITY, nullptr,
     "the key to hand out; usually { env = \"...\" }"},
    {},  // end of the list
};

class MyProvider {
 public:
    // One instance per site. Read and check options here: throwing
    // latchkey::sdk::config_error reports a policy mistake to the user.
    explicit MyProvider(latchkey::sdk::Host& host) : host_(host) {}

    // Called when the host has no usable credential. Errors are thrown as
    // latchkey::sdk::Error (rejected, transient, ...); never put a secret in one.
    latchkey::sdk::Credential acquire() {
        latchkey::sdk::Credential c;
        c.token = host_.require("api_key");
        c.token_type = "Bearer";  // sent as "Authorization: Bearer <token>"
        return c;                 // expires_at_ms 0: no known expiry
    }

 private:
    latchkey::sdk::Host& host_;
};

}  // namespace

// Exports latchkey_provider_v1. The name must match the file: my-provider.so.
LATCHKEY_PROVIDER(MyProvider, "my-provider", "0.1.0", "Hands out a token from the policy.",
                  kOptions)
