// The anaconda provider, driven through its ABI like the host drives it: the
// input is the body of the API-key exchange's answer (201, 401, 404) and, on
// its own, a configured API key (a JWT whose exp is the expiry).
#include <latchkey/provider.h>

#include <string>

#include "support/fake_host.hpp"

extern "C" const latchkey_provider* latchkey_provider_v1(void);

namespace {

void acquire_once(latchkey::fuzz::FakeHost& fake) {
    const latchkey_provider* p = latchkey_provider_v1();
    void* instance = nullptr;
    if (p->create(fake.raw(), &instance, fake.result()) != LATCHKEY_OK) return;
    p->acquire(instance, fake.result());
    p->destroy(instance);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey;
    static fuzz::FakeHost fake;
    const std::string input(reinterpret_cast<const char*>(data), size);

    fake.options = {{"login_site", "anaconda-login"}, {"domain", "anaconda.example"}};
    fake.lists = {{"scopes", {"repo:read"}}, {"tags", {"latchkey"}}};
    fake.other_site = sdk::Current{};
    fake.other_site->token = "login-access-token";
    fake.other_site->token_type = "Bearer";
    fake.body = input;
    fake.headers = {{"content-type", "application/json"}};
    for (long status : {201L, 401L, 404L}) {
        fake.status = status;
        acquire_once(fake);
    }

    fake.options = {{"api_key", input}, {"domain", "anaconda.example"}};
    acquire_once(fake);
    return 0;
}
