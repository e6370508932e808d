// throws: proves LATCHKEY_PROVIDER keeps every exception on the plugin's
// side of the C boundary. By default the constructor throws
// std::runtime_error, so create fails; with throw_in = "acquire" the
// constructor succeeds and acquire throws a plain int (not an
// std::exception), and so on for refresh and expired. The host must see a
// status and a message each time, never an unwinding exception.
#include <latchkey/provider.hpp>
#include <stdexcept>
#include <string>

namespace {

using namespace latchkey;

const latchkey_option kOptions[] = {
    {"throw_in", LATCHKEY_OPT_STRING, 0, "create",
     "where to throw: create (std::runtime_error), acquire (an int), refresh (a std::string), "
     "expired (an int)"},
    {},
};

class Throws {
 public:
    explicit Throws(sdk::Host& host) : where_(host.option_or("throw_in", "create")) {
        if (where_ == "create") throw std::runtime_error("throws: constructor failed on purpose");
    }

    sdk::Credential acquire() {
        if (where_ == "acquire") throw 42;
        sdk::Credential c;
        c.token = "throws-token";
        c.refresh_token = "throws-refresh";
        return c;
    }

    sdk::Credential refresh(const sdk::Current&) {
        if (where_ == "refresh") throw std::string("throws: not an exception class");
        return acquire();
    }

    bool expired(const sdk::Current&, int64_t) {
        if (where_ == "expired") throw 7;
        return true;  // every credential is stale, so the next use reaches refresh()
    }

 private:
    std::string where_;
};

}  // namespace

LATCHKEY_PROVIDER(Throws, "throws", "1.0.0", "Test-only: throws from every entry point.", kOptions)
