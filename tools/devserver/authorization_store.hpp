// Authorization code flow state (RFC 6749 §4.1): requests waiting for the user's consent,
// and issued codes waiting to be exchanged once.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace devserver {

struct AuthorizationRequest {
    std::string client_id;
    std::string redirect_uri;
    std::string state;  // may be empty
    std::string scope;
    std::string code_challenge;  // S256; empty when PKCE is not required and not sent
    std::string nonce;           // OIDC, echoed in the ID token; may be empty
};

struct PendingAuthorization {
    std::string request_id;
    AuthorizationRequest request;
};

// The outcome of a consent decision: the request and, when approved, its code.
struct Decision {
    std::string request_id;
    AuthorizationRequest request;
    std::optional<std::string> code;
};

struct CodeGrant {
    AuthorizationRequest request;
    std::string subject;
    std::string family;  // refresh family of the tokens it buys, so a reuse can revoke them
};

enum class CodeOutcome { ok, unknown, expired, reused };

struct Exchange {
    CodeOutcome outcome = CodeOutcome::unknown;
    CodeGrant grant;  // filled for ok and reused
};

// Thread-safe.
class AuthorizationStore {
 public:
    // A request waiting for consent; returns its id ("req-...").
    std::string add_pending(const AuthorizationRequest& request);
    // Approves or denies a pending request (empty id: the newest). Returns nullopt when
    // there is no such pending request.
    std::optional<Decision> decide(const std::string& request_id, bool approve,
                                   const std::string& subject, double code_lifetime);
    // The redirect the endpoint built for a decided request, for a second GET.
    void remember_redirect(const std::string& request_id, const std::string& redirect);
    std::optional<std::string> redirect_for(const std::string& request_id) const;
    std::optional<AuthorizationRequest> find_pending(const std::string& request_id) const;
    std::vector<PendingAuthorization> pending() const;

    // A code for an approved request, valid `lifetime` seconds.
    std::string issue_code(const AuthorizationRequest& request, const std::string& subject,
                           double lifetime);
    // Spends `code`. A second exchange is `reused` (with the grant, to revoke its tokens).
    Exchange exchange(const std::string& code);
    void clear();

 private:
    using Clock = std::chrono::steady_clock;
    struct RequestEntry {
        AuthorizationRequest request;
        Clock::time_point created;
        bool decided = false;
        std::string redirect;
    };
    struct CodeEntry {
        CodeGrant grant;
        Clock::time_point expires;
        bool used = false;
    };
    std::string issue_code_locked(const AuthorizationRequest& request, const std::string& subject,
                                  double lifetime);

    mutable std::mutex mutex_;
    std::unordered_map<std::string, RequestEntry> requests_;
    std::unordered_map<std::string, CodeEntry> codes_;
};

}  // namespace devserver
