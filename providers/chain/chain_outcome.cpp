#include "chain_outcome.hpp"

namespace latchkey::chain {

sdk::Credential served_credential(const std::string& source, const sdk::Current& got) {
    sdk::Credential c;
    c.token = got.token;
    c.token_type = got.token_type;
    c.header_name = got.header_name;
    c.expires_at_ms = got.expires_at_ms;
    c.extras = got.extras;
    auto inner = got.extras.find("served_by");
    c.extras["served_by"] = inner == got.extras.end() ? source : source + " > " + inner->second;
    return c;
}

void Failures::add(const std::string& source, latchkey_status status, const std::string& message) {
    // The host names the site first; the list below names it already.
    std::string reason = message;
    const std::string prefix = "site '" + source + "': ";
    if (reason.rfind(prefix, 0) == 0) reason.erase(0, prefix.size());
    // Sources that need a login are named once, at the end (see error()).
    const std::string login = "; run `latchkey login --at " + source + "`";
    if (reason.size() > login.size() &&
        reason.compare(reason.size() - login.size(), login.size(), login) == 0)
        reason.erase(reason.size() - login.size());
    if (reason.empty()) reason = "failed without a message";
    items_.push_back({source, status, reason});
}

std::string Failures::summary() const {
    std::string out;
    for (size_t i = 0; i < items_.size(); ++i) {
        if (i) out += ' ';
        out += "[" + std::to_string(i + 1) + "] " + items_[i].source + ": " + items_[i].reason;
    }
    return out;
}

sdk::Error Failures::error(const std::string& chain_site) const {
    std::vector<std::string> logins;
    bool same = true;
    for (auto& i : items_) {
        if (i.status == LATCHKEY_E_INTERACTION_REQUIRED) logins.push_back(i.source);
        same = same && i.status == items_.front().status;
    }
    std::string text = "no source of chain '" + chain_site + "' could serve: " + summary();
    if (!logins.empty()) {
        // The host adds "run `latchkey login --at CHAIN`", which logs in
        // through the chain: the first source that can ask the person does.
        std::string names;
        for (size_t i = 0; i < logins.size(); ++i)
            names += (i == 0 ? "" : i + 1 == logins.size() ? " or " : ", ") + logins[i];
        return sdk::interaction_required(text + "; a login at " + names +
                                         " would let the chain serve");
    }
    latchkey_status status = same ? items_.front().status : LATCHKEY_E_INTERNAL;
    if (status == LATCHKEY_E_TRANSIENT || status == LATCHKEY_OK) status = LATCHKEY_E_INTERNAL;
    return {status, text};
}

}  // namespace latchkey::chain
