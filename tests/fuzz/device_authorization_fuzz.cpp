// The device authorization endpoint's answer (RFC 8628 §3.2): device and
// user code, verification address, lifetime and polling interval.
#include <latchkey/common/client_auth.hpp>

#include "device_authorization.hpp"
#include "support/fake_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey;
    static fuzz::FakeHost fake;
    const sdk::Host host = fake.host();
    fake.body.assign(reinterpret_cast<const char*>(data), size);
    fake.headers = {{"content-type", "application/json"}};
    common::ClientAuth auth;
    auth.client_id = "fuzz-client";
    for (long status : {200L, 400L}) {
        fake.status = status;
        try {
            device_code::request_device_authorization(host, auth, "https://issuer.example/device",
                                                      "https://issuer.example/token",
                                                      {{"scope", "openid"}});
        } catch (const sdk::Error&) {
        }
    }
    return 0;
}
