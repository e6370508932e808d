// What the loopback cloud-SDK endpoints (cloud_endpoints.hpp) share: the
// per-start secret, its comparison, the request target as the vendors' SDKs
// send it (percent-encoded), and answering from the site's credential on
// the site's own worker thread.
#pragma once

#include <functional>
#include <latchkey/credential.hpp>
#include <latchkey/error.hpp>
#include <map>
#include <string>
#include <string_view>

#include "agent_state.hpp"
#include "http_server.hpp"

namespace latchkey::agent {

// A loopback endpoint serving one site's credential in a vendor's shape.
// `secret` is the per-start secret the caller must present ("" where the
// vendor's SDKs have no way to carry one: GCE).
class CloudService : public Service {
 public:
    CloudService(AgentState& state, std::string site, std::string secret = {})
        : state_(state), site_(std::move(site)), secret_(std::move(secret)) {}

 protected:
    AgentState& state_;
    const std::string site_;
    const std::string secret_;
};

// 32 bytes from the kernel's CSPRNG, as 64 hex digits.
std::string random_secret();
// Compares without stopping at the first difference, so the time taken
// says nothing about how much of a guess was right.
bool same_secret(std::string_view given, std::string_view secret);

// The path of a request target, without its query.
std::string target_path(std::string_view target);
// Its query parameters, each name and value decoded (admin::form_decode).
std::multimap<std::string, std::string> target_query(std::string_view target);

// Seconds until `credential` expires, at least 0; a credential without an
// expiry is announced as valid for 5 minutes, so that SDKs ask again and
// see a logout or a changed policy soon.
int64_t seconds_left(const Credential& credential);

// Reads the site's credential on the site's worker thread and answers with
// `answer(credential)` (which may throw latchkey::Error), or with
// `failure(error)`; one audit line either way, under `endpoint`. Answers
// `busy` at once when too many requests wait for the site.
void answer_from_credential(AgentState& state, const std::string& site, const Peer& peer,
                            const std::string& endpoint, Respond respond,
                            std::function<Response(const Credential&)> answer,
                            std::function<Response(const Error&)> failure, Response busy);

}  // namespace latchkey::agent
