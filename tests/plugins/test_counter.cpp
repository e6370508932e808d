// test-counter: a provider for the host's token-manager and multi-process
// tests. It talks to no server; every acquire/refresh call is counted in a
// file, and the count names the token (tok-N), so a test can tell exactly how
// many calls the host made and which one produced the credential it got.
#include <latchkey/provider.hpp>
#include <optional>
#include <string>

#include "counter_file.hpp"

namespace {

using namespace latchkey;

const latchkey_option kOptions[] = {
    {"counter_file", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED | LATCHKEY_OPTF_IDENTITY, nullptr,
     "file counting every acquire/refresh call (created when missing)"},
    {"lifetime", LATCHKEY_OPT_DURATION, 0, "3600",
     "how long each token lives; 0 = already expired when issued"},
    {"delay_ms", LATCHKEY_OPT_INT, 0, "0",
     "sleep this long inside each call (makes races visible)"},
    {"fail_transient", LATCHKEY_OPT_INT, 0, "0",
     "calls 1..N (by the counter) fail with a transient error"},
    {"reject", LATCHKEY_OPT_BOOL, 0, "false", "acquire fails with 'test-counter: rejected'"},
    {"refresh_rejected", LATCHKEY_OPT_BOOL, 0, "false", "refresh fails as rejected"},
    {"secret", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "when set: logged at INFO by acquire and put in its error messages, to test redaction"},
    {"expires_at_ms", LATCHKEY_OPT_INT, 0, nullptr,
     "when set: the expiry handed to set_expires_at as is (milliseconds since 1970), for the "
     "host's range check"},
    {},
};

class TestCounter {
 public:
    explicit TestCounter(sdk::Host& host)
        : host_(host),
          counter_file_(host.require("counter_file")),
          lifetime_s_(host.integer("lifetime", 3600)),
          delay_ms_(host.integer("delay_ms", 0)),
          fail_transient_(host.integer("fail_transient", 0)),
          reject_(host.flag("reject", false)),
          refresh_rejected_(host.flag("refresh_rejected", false)),
          secret_(host.option_or("secret", "")) {
        if (host.option("expires_at_ms")) expires_at_ms_ = host.integer("expires_at_ms", 0);
    }

    sdk::Credential acquire() {
        // Deliberately unredacted here: the host must redact it.
        if (!secret_.empty()) host_.info("using secret " + secret_);
        int64_t n = count();
        if (reject_) throw sdk::rejected("test-counter: rejected" + leak());
        if (n <= fail_transient_)
            throw sdk::transient("test-counter: transient failure " + std::to_string(n) + " of " +
                                 std::to_string(fail_transient_) + leak());
        return credential(n, "acquire");
    }

    sdk::Credential refresh(const sdk::Current&) {
        int64_t n = count();
        if (refresh_rejected_) throw sdk::rejected("test-counter: refresh rejected");
        if (n <= fail_transient_)
            throw sdk::transient("test-counter: transient failure " + std::to_string(n) + " of " +
                                 std::to_string(fail_transient_));
        return credential(n, "refresh");
    }

 private:
    // Sleeps (outside the file lock, so concurrent calls really overlap),
    // then counts this call.
    int64_t count() {
        if (delay_ms_ > 0 && !host_.sleep_ms(delay_ms_))
            throw sdk::transient("test-counter: cancelled while sleeping");
        return testplugin::increment_counter(counter_file_);
    }

    std::string leak() const { return secret_.empty() ? "" : " (using secret " + secret_ + ")"; }

    sdk::Credential credential(int64_t n, const char* via) const {
        sdk::Credential c;
        c.token = "tok-" + std::to_string(n);
        c.refresh_token = "rt-" + std::to_string(n);
        // Always set, so lifetime 0 yields a credential that is expired on
        // arrival (what an expiry test wants); the default is an hour.
        c.expires_at_ms = expires_at_ms_ ? *expires_at_ms_ : host_.now_ms() + lifetime_s_ * 1000;
        c.extras["calls"] = std::to_string(n);
        c.extras["via"] = via;
        return c;
    }

    const sdk::Host& host_;
    std::string counter_file_;
    int64_t lifetime_s_;
    int64_t delay_ms_;
    int64_t fail_transient_;
    bool reject_;
    bool refresh_rejected_;
    std::string secret_;
    std::optional<int64_t> expires_at_ms_;
};

}  // namespace

LATCHKEY_PROVIDER(TestCounter, "test-counter", "1.0.0",
                  "Test-only: counts calls in a file and issues tok-N.", kOptions)
