// A token endpoint's answer (RFC 6749 §5.1 and §5.2), as every OAuth
// provider reads it: the body of a 200, 400 and 503 answer, through
// request_token (error categories, redaction) to the stored credential
// (ID token claims included).
#include <latchkey/common/credential.hpp>
#include <latchkey/common/token_endpoint.hpp>

#include "support/fake_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey;
    static fuzz::FakeHost fake;
    const sdk::Host host = fake.host();
    fake.body.assign(reinterpret_cast<const char*>(data), size);
    fake.headers = {{"content-type", "application/json"}, {"retry-after", "7"}};
    common::ClientAuth auth;
    auth.method = common::ClientAuthMethod::client_secret_post;
    auth.client_id = "fuzz-client";
    auth.client_secret = "fuzz-secret";
    for (long status : {200L, 400L, 503L}) {
        fake.status = status;
        try {
            common::TokenResponse t = common::request_token(
                host, auth, "https://issuer.example/token", {{"grant_type", "client_credentials"}});
            common::to_credential(host, t, "previous-refresh-token", "read");
        } catch (const sdk::Error&) {
            // Every bad answer must end here, with a category and a message.
        }
    }
    return 0;
}
