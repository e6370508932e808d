// JWT claims (ID tokens, API keys: api-key, anaconda, the ID token kept at
// login). The input is read two ways: as the claims of a well-formed JWT,
// and as a whole token as a server or a policy might hand one over.
#include <latchkey/common/json.hpp>
#include <latchkey/common/jwt.hpp>
#include <string>

#include "support/fake_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey;
    static fuzz::FakeHost fake;
    const sdk::Host host = fake.host();
    const std::string input(reinterpret_cast<const char*>(data), size);

    const std::string token = host.base64(R"({"alg":"RS256","typ":"JWT"})", true) + "." +
                              host.base64(input, true) + ".c2lnbmF0dXJl";
    common::jwt_expiry_seconds(host, token);
    if (auto claims = common::jwt_claims(host, token)) common::to_json(*claims);

    common::jwt_expiry_seconds(host, input);
    if (auto claims = common::jwt_claims(host, input)) common::to_json(*claims);
    return 0;
}
