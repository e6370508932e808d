// test-services: a provider that exercises every ABI 1.1 host service, so the
// host's side of each is tested through a real plugin loaded from disk:
// fetch_site, cache_get/cache_put, sign, progress, revoke and whoami. What it
// did goes into the credential's extras (shown by `latchkey status`) and, for
// revoke, into an events file the test reads.
#include <fstream>
#include <latchkey/provider.hpp>
#include <string>

namespace {

using namespace latchkey;

const latchkey_option kOptions[] = {
    {"events_file", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_REQUIRED, nullptr,
     "file each revoke call is appended to"},
    {"source_site", LATCHKEY_OPT_STRING, 0, nullptr,
     "when set: the token is built from this site's credential (fetch_site)"},
    {"key_file", LATCHKEY_OPT_STRING, 0, nullptr,
     "when set: acquire signs a fixed text with this PEM key (sign, RS256)"},
    {"key_passphrase", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET, nullptr,
     "passphrase of key_file"},
    {"lifetime", LATCHKEY_OPT_DURATION, 0, "3600", "how long each token lives"},
    {"needs_login", LATCHKEY_OPT_BOOL, 0, "false",
     "acquire needs a person: outside `latchkey login` it asks for one"},
    {"refresh_rejected", LATCHKEY_OPT_BOOL, 0, "false", "refresh fails as rejected"},
    {"revoke_fails", LATCHKEY_OPT_BOOL, 0, "false", "revoke fails as transient"},
    {},
};

class TestServices {
 public:
    explicit TestServices(sdk::Host& host)
        : host_(host),
          events_file_(host.require("events_file")),
          source_site_(host.option_or("source_site", "")),
          key_file_(host.option_or("key_file", "")),
          key_passphrase_(host.option_or("key_passphrase", "")),
          lifetime_s_(host.integer("lifetime", 3600)),
          needs_login_(host.flag("needs_login", false)),
          refresh_rejected_(host.flag("refresh_rejected", false)),
          revoke_fails_(host.flag("revoke_fails", false)) {}

    sdk::Credential acquire() {
        if (needs_login_) {
            if (!host_.interactive())
                throw sdk::interaction_required("test-services: a person must confirm");
            host_.progress("waiting for confirmation...");
            const std::string answer = host_.prompt("Type yes to confirm: ");
            if (answer != "yes") throw sdk::rejected("test-services: not confirmed");
        }
        sdk::Credential c;
        c.token = "svc-" + std::to_string(host_.now_ms());
        c.refresh_token = "svc-refresh";
        c.expires_at_ms = host_.now_ms() + lifetime_s_ * 1000;
        if (!source_site_.empty()) {
            sdk::Current source = host_.fetch_site(source_site_);
            c.token = "via-" + source_site_ + "-" + source.token;
            c.extras["source_header"] = source.header_name;
        }
        const auto cached = host_.cache_get("document");
        c.extras["cache"] = cached ? "hit:" + *cached : "miss";
        if (!cached) host_.cache_put("document", "v1", host_.now_ms() + 600'000);
        if (!key_file_.empty()) {
            const std::string sig = host_.sign("RS256", key_file_, key_passphrase_, "to be signed");
            c.extras["signature_bytes"] = std::to_string(sig.size());
        }
        return c;
    }

    sdk::Credential refresh(const sdk::Current& current) {
        if (refresh_rejected_) throw sdk::rejected("test-services: invalid_grant");
        sdk::Credential c = acquire();
        c.extras["refreshed_from_type"] = current.token_type;
        return c;
    }

    void revoke(const sdk::Current& current) {
        std::ofstream(events_file_, std::ios::app)
            << "revoke " << (current.refresh_token ? "with" : "without") << " refresh token\n";
        if (revoke_fails_) throw sdk::transient("test-services: revocation endpoint unavailable");
    }

    std::string whoami(const sdk::Current& current) {
        return "{\"sub\":\"svc-user\",\"site\":\"" + host_.site() +
               "\",\"token_length\":" + std::to_string(current.token.size()) + "}";
    }

 private:
    const sdk::Host& host_;
    std::string events_file_;
    std::string source_site_;
    std::string key_file_;
    std::string key_passphrase_;
    int64_t lifetime_s_;
    bool needs_login_;
    bool refresh_rejected_;
    bool revoke_fails_;
};

}  // namespace

LATCHKEY_PROVIDER(TestServices, "test-services", "1.1.0",
                  "Test-only: exercises every ABI 1.1 host service.", kOptions)
