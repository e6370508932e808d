// Documents an authorization server publishes: its metadata (OpenID Connect
// Discovery, RFC 8414) with the Cache-Control that says how long to keep it,
// and the userinfo answer `latchkey whoami` prints.
#include <latchkey/common/account.hpp>
#include <latchkey/common/discovery.hpp>
#include <string>

#include "support/fake_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey;
    static fuzz::FakeHost fake;
    const sdk::Host host = fake.host();  // Endpoints keeps a reference
    const std::string input(reinterpret_cast<const char*>(data), size);
    fake.body = input;
    fake.status = 200;
    fake.headers = {{"content-type", "application/json"}, {"cache-control", "max-age=600"}};

    common::discovery_detail::cache_ttl_ms(input);
    try {
        fake.options = {{"issuer", "https://issuer.example"}};
        common::Endpoints endpoints(host);
        endpoints.token();
        endpoints.authorization();
        endpoints.device_authorization();
    } catch (const sdk::Error&) {
    }
    try {
        fake.options = {{"userinfo_url", "https://issuer.example/userinfo"}};
        common::Endpoints endpoints(host);
        sdk::Current current;
        current.token = "opaque-access-token";
        common::whoami_json(host, endpoints, current);
    } catch (const sdk::Error&) {
    }
    return 0;
}
