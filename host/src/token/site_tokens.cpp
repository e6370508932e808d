#include "token/site_tokens.hpp"

#include "abi/status.hpp"
#include "credential/credential_check.hpp"
#include "crypto/primitives.hpp"
#include "util/clock.hpp"

namespace latchkey::token {

SiteTokens::SiteTokens(SiteParts parts)
    : parts_(std::move(parts)), slot_(parts_.site.name, *this) {}

void SiteTokens::log(LogLevel level, const std::string& message) {
    parts_.services.log(level, parts_.site.name + ": " + message);
}

bool SiteTokens::stale(const detail::CredentialData& c, int64_t now_ms) {
    return parts_.provider_judges_expiry && parts_.provider.expired(c, now_ms);
}

DataPtr SiteTokens::load() {
    auto c = stored();
    return c ? std::make_shared<const detail::CredentialData>(std::move(*c)) : nullptr;
}

std::optional<detail::CredentialData> SiteTokens::stored() {
    auto c = parts_.storage.load(parts_.storage_key);
    if (!c) return c;
    // A provider's results are checked as they arrive; what comes back from
    // a store may have been written by anyone who can write there.
    if (auto problem = credential::header_problem(*c)) {
        parts_.services.log(LogLevel::warn,
                            "site '" + parts_.site.name + "': ignoring the credential stored in " +
                                parts_.storage_name + ": " + *problem +
                                "; the store was altered, and a new one will be fetched");
        return std::nullopt;
    }
    plan_refresh(*c, parts_.refresh);
    return c;
}

void SiteTokens::raise(const provider::ProviderResult& o) const {
    const std::string& site = parts_.site.name;
    std::string msg = "site '" + site + "': " + o.message;
    switch (abi::kind_of(o.status)) {
        case ErrorKind::config:
            throw Error(ErrorKind::config,
                        msg + " (check the policy: `latchkey config check --at " + site + "`)");
        case ErrorKind::rejected:
            throw Error(ErrorKind::rejected,
                        msg + "; check the credentials configured for this site");
        case ErrorKind::transient:
            throw TransientError(msg, o.retry_after_ms);
        case ErrorKind::login_required: {
            std::string login = "latchkey login --at " + site;
            throw Error(ErrorKind::login_required, msg + "; run `" + login + "`")
                .with_next_command(login);
        }
        default:
            throw Error(ErrorKind::internal, msg);
    }
}

DataPtr SiteTokens::fetch(const DataPtr& current, bool force, int64_t min_valid_ms) {
    // Before the storage lock: a running agent may take the same lock.
    if (FetchFirst* first = force ? nullptr : first_.load(std::memory_order_acquire))
        if (DataPtr elsewhere = first->fetch_first(min_valid_ms)) return elsewhere;
    auto& storage = parts_.storage;
    auto lock = storage.lock(parts_.storage_key);
    int64_t now = util::now_ms();
    DataPtr base = current;
    if (!force) {
        // Another process may have fetched while we waited for the lock.
        if (auto stored = this->stored()) {
            if (!stored->expired_at(now + min_valid_ms) && now < stored->refresh_at_ms &&
                !stale(*stored, now))
                return std::make_shared<const detail::CredentialData>(std::move(*stored));
            if (!base || stored->obtained_at_ms >= base->obtained_at_ms)
                base = std::make_shared<const detail::CredentialData>(std::move(*stored));
        }
    }
    auto& provider = parts_.provider;
    provider::ProviderResult o;
    if (!force && base && !base->refresh_token.empty() && provider.can_refresh() &&
        !refresh_tokens_in_doubt_.count(crypto::sha256_hex(base->refresh_token)))
        o = refresh(*base, now);
    else
        o = provider.acquire();
    if (o.status != LATCHKEY_OK) raise(o);
    plan_refresh(*o.credential, parts_.refresh);
    // Stored before it is returned: the store never lags behind what we hand out.
    storage.save(parts_.storage_key, *o.credential);
    return o.credential;
}

provider::ProviderResult SiteTokens::refresh(const detail::CredentialData& base, int64_t now) {
    auto& provider = parts_.provider;
    // The refresh request gets its own, longer timeout, and the host watches
    // whether it may have reached the server: only the host can know.
    provider::RequestWatch watch;
    watch.timeout_ms = parts_.site.refresh_timeout_ms();
    provider::ProviderResult o;
    {
        provider::WatchRequests watching(watch);
        o = provider.refresh(base);
    }
    std::string why;
    if (o.status == LATCHKEY_E_REJECTED) {
        // The server says the refresh token is dead (invalid_grant): keeping
        // it would only repeat the failure, in every process that shares it.
        why = "the server refused the refresh token (" + o.message + ")";
    } else if (o.status != LATCHKEY_OK && (watch.unanswered || watch.accepted)) {
        // The request may have reached the server, which may have answered
        // it with a new refresh token we never got and spent this one. Sent
        // again, a server that detects reuse (RFC 9700 4.14.2) revokes the
        // whole login; so it is never sent again, not by a retry here, nor
        // by another process: the refresh token is dropped from storage.
        refresh_tokens_in_doubt_.insert(crypto::sha256_hex(base.refresh_token));
        why = watch.unanswered
                  ? "the refresh request got no answer (" + watch.unanswered_reason +
                        ") after it may have reached the server, which"
                  : "the server accepted the refresh request but its answer was unusable (" +
                        o.message + "), so it";
        why +=
            " may have spent the refresh token; it is not sent again, since a server that "
            "detects reuse would end the login";
    } else {
        return o;
    }
    now = util::now_ms();  // the refresh may have taken a while
    parts_.services.log(
        LogLevel::info,
        parts_.site.name + ": " + why + "; refresh token dropped, acquiring anew" +
            (base.expired_at(now) ? "" : " (the current access token serves until it expires)"));
    drop_refresh_token(base, now);
    o = provider.acquire();
    if (o.status != LATCHKEY_OK) o.message = why + "; " + o.message;
    return o;
}

void SiteTokens::drop_refresh_token(const detail::CredentialData& base, int64_t now) {
    // A still-valid access token stays usable until it expires.
    if (!base.expired_at(now)) {
        detail::CredentialData kept = base;
        kept.refresh_token.clear();
        parts_.storage.save(parts_.storage_key, kept);
    } else {
        parts_.storage.erase(parts_.storage_key);
    }
}

detail::CredentialData SiteTokens::shared_copy() {
    Credential c = token();
    detail::CredentialData out;
    out.token = c.token();
    out.token_type = c.token_type();
    out.header_name = c.header_name();
    out.expires_at_ms = c.expires_at_ms();
    out.obtained_at_ms = c.obtained_at_ms();
    out.extras = c.extras();
    return out;
}

Credential SiteTokens::login(bool force) {
    if (!force) {
        int64_t now = util::now_ms();
        if (auto stored = this->stored();
            stored && !stored->expired_at(now) && !stale(*stored, now)) {
            auto data = std::make_shared<const detail::CredentialData>(std::move(*stored));
            slot_.publish(data);
            return Credential(data);
        }
    }
    return slot_.fetch_now([&] { return fetch(nullptr, true); });
}

Credential SiteTokens::token_valid_for(int64_t min_valid_ms) {
    return slot_.get_valid_for(min_valid_ms,
                               [&](const DataPtr& cur) { return fetch(cur, false, min_valid_ms); });
}

void SiteTokens::refused(std::string_view token) {
    slot_.with_flight([&] {
        // Replaced in memory already: a refresh finished after the request
        // that got the 401 had been sent.
        if (DataPtr cur = slot_.peek(); cur && cur->token != token) return 0;
        auto& storage = parts_.storage;
        auto lock = storage.lock(parts_.storage_key);
        auto stored = this->stored();
        int64_t now = util::now_ms();
        if (stored && stored->token != token) {
            // Another process replaced it: serve that one.
            if (!stored->expired_at(now) && !stale(*stored, now)) {
                slot_.publish(std::make_shared<const detail::CredentialData>(std::move(*stored)));
                return 0;
            }
        } else if (stored && !stored->refresh_token.empty()) {
            detail::CredentialData spent = std::move(*stored);
            spent.expires_at_ms = now;
            storage.save(parts_.storage_key, spent);
            slot_.invalidate();
            return 0;
        }
        if (stored && stored->token == token) storage.erase(parts_.storage_key);
        slot_.invalidate();
        return 0;
    });
}

void SiteTokens::forget() {
    slot_.with_flight([&] {
        auto lock = parts_.storage.lock(parts_.storage_key);
        parts_.storage.erase(parts_.storage_key);
        slot_.invalidate();
        return 0;
    });
}

std::optional<std::string> SiteTokens::logout() {
    std::optional<std::string> problem;
    slot_.with_flight([&] {
        auto& storage = parts_.storage;
        auto lock = storage.lock(parts_.storage_key);
        // A value that cannot be read (sealed under a lost key, damaged) is
        // still erased: logging out is the way out of it.
        std::optional<detail::CredentialData> current;
        try {
            current = storage.load(parts_.storage_key);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::storage) throw;
            problem = "the stored credential could not be read (" + std::string(e.what()) +
                      "), so it was not revoked; it is erased here";
        }
        if (current) {
            try {
                auto& provider = parts_.provider;
                if (provider.can_revoke()) {
                    auto o = provider.revoke(*current);
                    if (o.status != LATCHKEY_OK) problem = o.message;
                }
            } catch (const Error& e) {
                problem = e.what();  // the provider cannot even start: still log out locally
            }
        }
        storage.erase(parts_.storage_key);
        slot_.invalidate();
        return 0;
    });
    return problem;
}

std::string SiteTokens::whoami() {
    detail::CredentialData data = shared_copy();
    std::string json;
    auto o = parts_.provider.whoami(data, json);
    if (o.status != LATCHKEY_OK) raise(o);
    return json;
}

}  // namespace latchkey::token
