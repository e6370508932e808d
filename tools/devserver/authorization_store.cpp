#include "authorization_store.hpp"

#include "tokens.hpp"

namespace devserver {
namespace {

std::chrono::steady_clock::duration seconds(double s) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(s));
}

}  // namespace

std::string AuthorizationStore::add_pending(const AuthorizationRequest& request) {
    std::string id = random_token_value("req-");
    std::lock_guard lock(mutex_);
    requests_.emplace(id, RequestEntry{request, Clock::now(), false, ""});
    return id;
}

std::optional<Decision> AuthorizationStore::decide(const std::string& request_id, bool approve,
                                                   const std::string& subject,
                                                   double code_lifetime) {
    std::lock_guard lock(mutex_);
    RequestEntry* entry = nullptr;
    std::string chosen;
    if (request_id.empty()) {
        for (auto& [id, candidate] : requests_) {
            if (!candidate.decided && (entry == nullptr || candidate.created > entry->created)) {
                entry = &candidate;
                chosen = id;
            }
        }
    } else if (const auto it = requests_.find(request_id);
               it != requests_.end() && !it->second.decided) {
        entry = &it->second;
        chosen = request_id;
    }
    if (entry == nullptr) {
        return std::nullopt;
    }
    entry->decided = true;
    Decision decision{chosen, entry->request, std::nullopt};
    if (approve) {
        decision.code = issue_code_locked(entry->request, subject, code_lifetime);
    }
    return decision;
}

void AuthorizationStore::remember_redirect(const std::string& request_id,
                                           const std::string& redirect) {
    std::lock_guard lock(mutex_);
    if (const auto it = requests_.find(request_id); it != requests_.end()) {
        it->second.redirect = redirect;
    }
}

std::optional<std::string> AuthorizationStore::redirect_for(const std::string& request_id) const {
    std::lock_guard lock(mutex_);
    const auto it = requests_.find(request_id);
    if (it == requests_.end() || !it->second.decided || it->second.redirect.empty()) {
        return std::nullopt;
    }
    return it->second.redirect;
}

std::optional<AuthorizationRequest> AuthorizationStore::find_pending(
    const std::string& request_id) const {
    std::lock_guard lock(mutex_);
    const auto it = requests_.find(request_id);
    if (it == requests_.end() || it->second.decided) {
        return std::nullopt;
    }
    return it->second.request;
}

std::vector<PendingAuthorization> AuthorizationStore::pending() const {
    std::lock_guard lock(mutex_);
    std::vector<PendingAuthorization> out;
    for (const auto& [id, entry] : requests_) {
        if (!entry.decided) {
            out.push_back({id, entry.request});
        }
    }
    return out;
}

std::string AuthorizationStore::issue_code(const AuthorizationRequest& request,
                                           const std::string& subject, double lifetime) {
    std::lock_guard lock(mutex_);
    return issue_code_locked(request, subject, lifetime);
}

std::string AuthorizationStore::issue_code_locked(const AuthorizationRequest& request,
                                                  const std::string& subject, double lifetime) {
    std::string code = random_token_value("dev-ac-");
    CodeGrant grant{request, subject, random_token_value("fam-")};
    codes_.emplace(code, CodeEntry{std::move(grant), Clock::now() + seconds(lifetime), false});
    return code;
}

Exchange AuthorizationStore::exchange(const std::string& code) {
    std::lock_guard lock(mutex_);
    const auto it = codes_.find(code);
    if (it == codes_.end()) {
        return {CodeOutcome::unknown, {}};
    }
    CodeEntry& entry = it->second;
    if (entry.used) {
        return {CodeOutcome::reused, entry.grant};
    }
    if (Clock::now() >= entry.expires) {
        return {CodeOutcome::expired, {}};
    }
    entry.used = true;
    return {CodeOutcome::ok, entry.grant};
}

void AuthorizationStore::clear() {
    std::lock_guard lock(mutex_);
    requests_.clear();
    codes_.clear();
}

}  // namespace devserver
