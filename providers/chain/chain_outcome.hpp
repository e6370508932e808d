// What a chain hands back: the serving source's credential, or one error that
// gives every source's reason.
#pragma once

#include <latchkey/provider.hpp>
#include <string>
#include <vector>

namespace latchkey::chain {

// The source's credential as the chain's own: same token, type, header and
// expiry, the source's extras, plus served_by = SOURCE (or "SOURCE > INNER"
// when the source is itself a chain). Never its refresh token: refreshing
// stays the source's business.
sdk::Credential served_credential(const std::string& source, const sdk::Current& got);

class Failures {
 public:
    // `message` is the source's error as the host reported it.
    void add(const std::string& source, latchkey_status status, const std::string& message);
    bool empty() const { return items_.empty(); }
    // "[1] a: reason [2] b: reason".
    std::string summary() const;
    // The chain's error. When some source needs a login, logging in there
    // would make the chain work: INTERACTION_REQUIRED, naming those sites
    // (their own "run `latchkey login --at SOURCE`" is dropped from the list).
    // Otherwise the status every source shared (a policy error stays one),
    // or INTERNAL when they differ. Never TRANSIENT: each source already
    // retried on its own, and retrying the chain would multiply that.
    sdk::Error error(const std::string& chain_site) const;

 private:
    struct Item {
        std::string source;
        latchkey_status status;
        std::string reason;
    };
    std::vector<Item> items_;
};

}  // namespace latchkey::chain
