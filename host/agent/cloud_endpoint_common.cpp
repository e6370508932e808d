#include "cloud_endpoint_common.hpp"

#include <sys/random.h>

#include <cstdio>
#include <latchkey/admin.hpp>

#include "credential_read.hpp"

namespace latchkey::agent {

std::string random_secret() {
    unsigned char bytes[32];
    size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n <= 0) throw Error(ErrorKind::internal, "getrandom failed");
        got += static_cast<size_t>(n);
    }
    std::string hex;
    char two[3];
    for (unsigned char b : bytes) {
        std::snprintf(two, sizeof two, "%02x", b);
        hex += two;
    }
    return hex;
}

bool same_secret(std::string_view given, std::string_view secret) {
    // The length is no secret: 64 hex digits.
    if (given.size() != secret.size()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < secret.size(); ++i)
        diff |= static_cast<unsigned char>(given[i] ^ secret[i]);
    return diff == 0;
}

std::string target_path(std::string_view target) {
    return std::string(target.substr(0, target.find('?')));
}

std::multimap<std::string, std::string> target_query(std::string_view target) {
    std::multimap<std::string, std::string> params;
    auto q = target.find('?');
    if (q == std::string_view::npos) return params;
    for (const std::string& pair : admin::split(target.substr(q + 1), "&")) {
        auto eq = pair.find('=');
        std::string_view key = std::string_view(pair).substr(0, eq);
        std::string_view value =
            eq == std::string::npos ? std::string_view() : std::string_view(pair).substr(eq + 1);
        params.emplace(admin::form_decode(key), admin::form_decode(value));
    }
    return params;
}

int64_t seconds_left(const Credential& credential) {
    if (credential.expires_at_ms() == 0) return 300;
    int64_t left = (credential.expires_at_ms() - admin::now_ms()) / 1000;
    return left > 0 ? left : 0;
}

void answer_from_credential(AgentState& state, const std::string& site, const Peer& peer,
                            const std::string& endpoint, Respond respond,
                            std::function<Response(const Credential&)> answer,
                            std::function<Response(const Error&)> failure, Response busy) {
    auto policy = state.current();
    bool queued =
        state.workers().run(site, [&state, policy, site, peer, endpoint, respond,
                                   answer = std::move(answer), failure = std::move(failure)] {
            try {
                Response r = answer(read_credential(policy->host(), site, {}));
                state.audit().record(site, peer, endpoint, "served", "");
                respond(std::move(r));
            } catch (const Error& e) {
                state.audit().record(site, peer, endpoint, "failed", e.what());
                respond(failure(e));
            } catch (const std::exception& e) {
                state.audit().record(site, peer, endpoint, "failed", e.what());
                respond(failure(Error(ErrorKind::internal, e.what())));
            }
        });
    if (!queued) {
        state.audit().record(site, peer, endpoint, "failed", "too many requests wait for the site");
        respond(std::move(busy));
    }
}

}  // namespace latchkey::agent
