// The answer of Anaplan's token service (/token/authenticate and
// /token/refresh), as a success and as the failures the provider reports.
#include "anaplan_response.hpp"
#include "support/fake_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey;
    static fuzz::FakeHost fake;
    const sdk::Host host = fake.host();
    sdk::HttpResponse resp;
    resp.body.assign(reinterpret_cast<const char*>(data), size);
    resp.headers = {{"content-type", "application/json"}, {"retry-after", "30"}};
    for (long status : {200L, 201L, 401L, 503L}) {
        resp.status = status;
        try {
            anaplan::parse_token_response(host, "Anaplan login at https://auth.example", resp);
        } catch (const sdk::Error&) {
        }
    }
    return 0;
}
