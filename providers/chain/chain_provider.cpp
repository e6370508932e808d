// The chain provider: policy composition. `sources` names other sites of the
// same policy; each acquire tries them in order through the host's
// fetch_site (each source with its own provider, cache and storage) and the
// first that gives a credential serves. The credential says which one in the
// extra `served_by`, shown by `latchkey status`.
//
// Selection happens on every acquire, and the host acquires whenever the
// served credential nears its expiry (there is no refresh()): when the
// serving source starts failing the next one serves, and when an earlier one
// recovers it is preferred again. (Azure's DefaultAzureCredential, by
// contrast, keeps its first winner for the life of the process.)
//
// Typical chain: an API key from the environment, else a stored login, else
// a device login, e.g. sources = ["ci-key", "sso-session", "sso-device"].
#include <latchkey/provider.hpp>
#include <set>
#include <string>
#include <vector>

#include "chain_outcome.hpp"

namespace {

using namespace latchkey;

const latchkey_option kOptions[] = {
    {"sources", LATCHKEY_OPT_LIST, LATCHKEY_OPTF_REQUIRED | LATCHKEY_OPTF_IDENTITY, nullptr,
     "sites of this policy to try in order, e.g. [\"ci-key\", \"sso-login\"]; the first that "
     "gives a credential serves, re-chosen at every refresh"},
    {"reselect_after", LATCHKEY_OPT_DURATION, 0, "5m",
     "choose again after this long even when the served credential lives longer (an API key "
     "never expires; an earlier source may have recovered, or a key been rotated)"},
    {},
};

class ChainProvider {
 public:
    explicit ChainProvider(sdk::Host& host)
        : host_(host),
          sources_(host.list("sources")),
          reselect_after_ms_(host.integer("reselect_after", 300) * 1000) {
        if (reselect_after_ms_ <= 0)
            throw sdk::config_error("option 'reselect_after' must be at least one second");
        if (sources_.empty()) throw sdk::config_error("option 'sources' names no site");
        std::set<std::string> seen;
        for (auto& s : sources_) {
            if (s.empty()) throw sdk::config_error("option 'sources' holds an empty site name");
            if (s == host.site())
                throw sdk::config_error("option 'sources' names the site itself ('" + s +
                                        "'); a chain cannot serve from itself");
            if (!seen.insert(s).second)
                throw sdk::config_error("option 'sources' names '" + s + "' twice");
        }
    }

    sdk::Credential acquire() {
        chain::Failures failures;
        for (auto& source : sources_) {
            try {
                sdk::Current got = host_.fetch_site(source);
                if (!failures.empty())
                    host_.info("served by '" + source + "' after " + failures.summary());
                sdk::Credential c = chain::served_credential(source, got);
                // The chain's copy ends no later than reselect_after from now, so
                // the selection runs again even for credentials that never expire.
                const int64_t reselect_at = host_.now_ms() + reselect_after_ms_;
                if (c.expires_at_ms == 0 || c.expires_at_ms > reselect_at)
                    c.expires_at_ms = reselect_at;
                return c;
            } catch (const sdk::Error& e) {
                host_.info("source '" + source + "' failed: " + e.what());
                failures.add(source, e.status(), e.what());
            }
        }
        throw failures.error(host_.site());
    }

 private:
    const sdk::Host& host_;
    std::vector<std::string> sources_;
    int64_t reselect_after_ms_;
};

}  // namespace

LATCHKEY_PROVIDER(ChainProvider, "chain", "1.0.0",
                  "Tries other sites in order; the first that gives a credential serves.", kOptions)
