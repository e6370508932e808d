#include "isolation/isolated_provider.hpp"

#include <cstdlib>

#include "isolation/frames.hpp"
#include "latchkey/error.hpp"

namespace latchkey::isolation {

namespace {

// Slack on top of the site's timeout: the helper's own work around a call
// (starting, JSON) must not turn a slow but healthy answer into a failure.
constexpr int64_t kGraceMs = 1000;

std::string seconds_text(int64_t ms) {
    std::string s = std::to_string(ms / 1000);
    if (ms % 1000) s += "." + std::to_string(ms % 1000 / 100);
    return s + " s";
}

latchkey_status status_from(int64_t v) {
    if (v < LATCHKEY_OK || v > LATCHKEY_E_INTERNAL) return LATCHKEY_E_INTERNAL;
    return static_cast<latchkey_status>(v);
}

}  // namespace

IsolatedProvider::IsolatedProvider(std::string path, std::string sha256, int64_t timeout_ms,
                                   provider::Services& services)
    : path_(std::move(path)),
      sha256_(std::move(sha256)),
      timeout_ms_(timeout_ms),
      services_(services) {
    std::lock_guard lock(mu_);
    start();
}

IsolatedProvider::~IsolatedProvider() = default;

int64_t IsolatedProvider::grace_deadline(int64_t wait_ms) const {
    return steady_ms() + std::max<int64_t>(wait_ms, 0) + timeout_ms_ + kGraceMs;
}

void IsolatedProvider::start() {
    std::vector<std::string> args = {path_};
    if (!sha256_.empty()) args.push_back(sha256_);
    helper_ = std::make_unique<HelperProcess>(helper_program(), args);
    ReadFailure why;
    auto ready = read_frame(helper_->fd(), grace_deadline(0), why);
    std::string op = ready ? op_of(*ready) : "";
    if (op == "refused") {
        helper_->stop();
        helper_.reset();
        // The helper's own message: "plugin PATH refused: WHY".
        throw Error(ErrorKind::plugin,
                    text_of(*ready, "message").value_or("plugin " + path_ + " refused"));
    }
    auto name = ready ? text_of(*ready, "name") : std::nullopt;
    auto schema =
        ready && ready->HasMember("schema") ? schema_from((*ready)["schema"]) : std::nullopt;
    if (op != "ready" || !name || !schema) {
        std::string what = why == ReadFailure::timed_out
                               ? "did not start within " + seconds_text(timeout_ms_ + kGraceMs)
                               : "failed to start: it " + helper_->ending(1000);
        helper_->stop();
        helper_.reset();
        throw Error(ErrorKind::plugin, "plugin " + path_ + ": its helper process " + what);
    }
    if (!name_.empty() && *name != name_) {
        helper_->stop();
        helper_.reset();
        throw Error(ErrorKind::plugin, "plugin " + path_ + " changed: it now declares provider '" +
                                           *name + "', not '" + name_ + "'");
    }
    name_ = *name;
    schema_ = std::move(*schema);
    has_refresh_ = bool_of(*ready, "refresh").value_or(false);
    has_expired_ = bool_of(*ready, "expired").value_or(false);
    has_revoke_ = bool_of(*ready, "revoke").value_or(false);
    has_whoami_ = bool_of(*ready, "whoami").value_or(false);
}

void IsolatedProvider::bind(policy::ResolvedSite site, provider::SiteLinks links) {
    std::lock_guard lock(mu_);
    timeout_ms_ = site.timeout_ms();
    site_ = std::move(site);
    links_ = std::move(links);
    for (auto& s : policy::secret_texts(site_->values)) services_.redactor.add(s);
    if (!helper_) start();
    create();
}

void IsolatedProvider::create() {
    Message m("create");
    m.put("site", site_->name);
    m.put("provider", site_->provider);
    m.put("log_level", static_cast<int64_t>(services_.log_level));
    m.put("values", values_json(site_->values, m.alloc()));
    provider::ProviderResult o;
    if (auto done = call(m, "create", o)) {
        o.status = status_from(int_of(*done, "status").value_or(LATCHKEY_E_INTERNAL));
        o.message = services_.redactor.redact(text_of(*done, "message").value_or("create failed"));
    }
    if (o.status == LATCHKEY_OK) return;
    if (helper_) helper_->stop();
    helper_.reset();
    throw Error(o.status == LATCHKEY_E_CONFIG ? ErrorKind::config : ErrorKind::plugin,
                "site '" + site_->name + "' (provider " + name_ + "): " + o.message);
}

provider::ProviderResult IsolatedProvider::broken(const char* what, ReadFailure why) {
    std::string happened;
    if (why == ReadFailure::timed_out) {
        helper_->stop();
        happened = "did not answer " + std::string(what) + " within " +
                   seconds_text(timeout_ms_ + kGraceMs) +
                   " (the site's timeout); its helper process was stopped";
    } else if (why == ReadFailure::closed || why == ReadFailure::io) {
        happened =
            "failed in " + std::string(what) + ": its helper process " + helper_->ending(2000);
        // Near the limit, the signal was the failed allocation's doing.
        if (dying_memory_mib_ * 10 >= (kHelperMemoryLimit >> 20) * 9)
            happened += " with " + std::to_string(dying_memory_mib_) +
                        " MiB of address space in use (a helper may use " +
                        std::to_string(kHelperMemoryLimit >> 20) + " MiB)";
        helper_->stop();
    } else {
        helper_->stop();
        happened = "broke the helper protocol in " + std::string(what) +
                   (why == ReadFailure::too_large ? " (a message over the size cap)"
                                                  : " (a malformed message)") +
                   "; its helper process was stopped";
    }
    helper_.reset();
    provider::ProviderResult o;
    o.status = why == ReadFailure::timed_out ? LATCHKEY_E_TRANSIENT : LATCHKEY_E_INTERNAL;
    o.message = "provider plugin " + path_ + " " + happened + "; a new one starts on next use";
    return o;
}

std::optional<rapidjson::Document> IsolatedProvider::call(const Message& request, const char* what,
                                                          provider::ProviderResult& failure) {
    if (!helper_) {
        try {
            start();
            if (site_ && std::string(what) != "create") create();
        } catch (const Error& e) {
            failure.status =
                e.kind() == ErrorKind::config ? LATCHKEY_E_CONFIG : LATCHKEY_E_INTERNAL;
            failure.message = e.what();
            return std::nullopt;
        }
    }
    if (!write_frame(helper_->fd(), request.doc())) {
        failure = broken(what, ReadFailure::closed);
        return std::nullopt;
    }
    int64_t deadline = grace_deadline(0);
    dying_memory_mib_ = 0;
    for (;;) {
        ReadFailure why;
        auto msg = read_frame(helper_->fd(), deadline, why);
        if (!msg) {
            failure = broken(what, why);
            return std::nullopt;
        }
        if (op_of(*msg) == "done") return msg;
        if (op_of(*msg) == "dying") {
            // The helper's last word before a fatal signal (fatal_report.hpp).
            dying_memory_mib_ = std::atoll(text_of(*msg, "memory_mib").value_or("0").c_str());
            continue;
        }
        if (!serve(*msg, deadline)) {
            failure = broken(what, ReadFailure::malformed);
            return std::nullopt;
        }
    }
}

void IsolatedProvider::answer(Message& reply) { write_frame(helper_->fd(), reply.doc()); }

bool IsolatedProvider::serve(const rapidjson::Document& m, int64_t& deadline) {
    std::string op = op_of(m);
    auto* person = services_.interaction;
    deadline = grace_deadline(0);  // it is alive
    if (op == "log") {
        auto level = int_of(m, "level");
        auto text = text_of(m, "text");
        if (!level || !text || *level < 0 || *level > 3) return false;
        services_.log(static_cast<LogLevel>(*level), *text);
    } else if (op == "wait") {
        auto ms = int_of(m, "ms");
        if (!ms) return false;
        deadline = grace_deadline(std::min<int64_t>(*ms, 24 * 3600 * 1000));
    } else if (op == "notice" || op == "progress") {
        auto text = text_of(m, op == "notice" ? "text" : "line");
        if (!text) return false;
        if (person && op == "notice") person->notice(services_.redactor.redact(*text));
        if (person && op == "progress") person->progress(services_.redactor.redact(*text));
    } else if (op == "interactive") {
        Message reply("answer");
        reply.put("interactive", person && person->interactive());
        answer(reply);
    } else if (op == "prompt") {
        auto question = text_of(m, "question");
        auto secret = bool_of(m, "secret");
        if (!question || !secret) return false;
        std::optional<std::string> got;
        if (person && person->interactive())
            got = person->prompt(services_.redactor.redact(*question), *secret);
        if (got && *secret) services_.redactor.add(*got);
        Message reply("answer");
        if (got) reply.put("answer", *got);
        answer(reply);
        deadline = grace_deadline(0);  // the person's time is not the helper's
    } else if (op == "open_url") {
        auto url = text_of(m, "url");
        if (!url) return false;
        bool opened = false;
        try {
            opened = person && person->open_url(*url);
        } catch (...) {
        }
        Message reply("answer");
        reply.put("opened", opened);
        answer(reply);
        deadline = grace_deadline(0);
    } else if (op == "cache_get") {
        auto name = text_of(m, "name");
        if (!name) return false;
        std::optional<std::string> value;
        try {
            if (links_.cache_get) value = links_.cache_get(*name);
        } catch (const std::exception& e) {
            services_.log(LogLevel::warn, site_->name + ": cache not read: " + e.what());
        }
        Message reply("answer");
        if (value) reply.put("value", *value);
        answer(reply);
    } else if (op == "cache_put") {
        auto name = text_of(m, "name");
        auto value = text_of(m, "value");
        auto expires = int_of(m, "expires_at_ms");
        if (!name || !value || !expires) return false;
        try {
            if (links_.cache_put) links_.cache_put(*name, *value, *expires);
        } catch (const std::exception& e) {
            services_.log(LogLevel::warn, site_->name + ": cache not saved: " + e.what());
        }
    } else if (op == "fetch_site") {
        auto site = text_of(m, "site");
        if (!site) return false;
        Message reply("answer");
        try {
            if (!links_.fetch_site) throw Error(ErrorKind::internal, "fetch_site: not available");
            detail::CredentialData got = links_.fetch_site(*site);
            got.refresh_token.clear();  // refreshing stays that site's business
            reply.put("status", static_cast<int64_t>(LATCHKEY_OK));
            reply.put("credential", credential_json(got, reply.alloc()));
        } catch (const Error& e) {
            latchkey_status st = e.kind() == ErrorKind::config      ? LATCHKEY_E_CONFIG
                                 : e.kind() == ErrorKind::rejected  ? LATCHKEY_E_REJECTED
                                 : e.kind() == ErrorKind::transient ? LATCHKEY_E_TRANSIENT
                                 : e.kind() == ErrorKind::login_required
                                     ? LATCHKEY_E_INTERACTION_REQUIRED
                                     : LATCHKEY_E_INTERNAL;
            reply.put("status", static_cast<int64_t>(st));
            reply.put("message", services_.redactor.redact(e.what()));
        }
        answer(reply);
        deadline = grace_deadline(0);
    } else {
        return false;
    }
    return true;
}

provider::ProviderResult IsolatedProvider::outcome_of(const rapidjson::Document& done) {
    auto status = int_of(done, "status");
    auto message = text_of(done, "message");
    auto retry = int_of(done, "retry_after_ms");
    std::optional<detail::CredentialData> credential;
    if (done.HasMember("credential")) credential = credential_from(done["credential"]);
    if (!status || !message || !retry || (done.HasMember("credential") && !credential)) {
        provider::ProviderResult o;
        o.status = LATCHKEY_E_INTERNAL;
        o.message = "provider plugin " + path_ + ": its helper process sent a malformed answer";
        return o;
    }
    latchkey_status st = status_from(*status);
    // The same builders and checks an in-process plugin's result goes through.
    return provider::accept_result(st, credential ? &*credential : nullptr, *message, *retry,
                                 services_, *site_, name_);
}

provider::ProviderResult IsolatedProvider::acquire() {
    std::lock_guard lock(mu_);
    provider::ProviderResult failure;
    auto done = call(Message("acquire"), "acquire", failure);
    return done ? outcome_of(*done) : failure;
}

provider::ProviderResult IsolatedProvider::refresh(const detail::CredentialData& current) {
    std::lock_guard lock(mu_);
    services_.redactor.add(current.token);
    services_.redactor.add(current.refresh_token);
    Message m("refresh");
    m.put("current", credential_json(current, m.alloc()));
    provider::ProviderResult failure;
    auto done = call(m, "refresh", failure);
    return done ? outcome_of(*done) : failure;
}

bool IsolatedProvider::expired(const detail::CredentialData& current, int64_t now_ms) {
    std::lock_guard lock(mu_);
    Message m("expired");
    m.put("current", credential_json(current, m.alloc()));
    m.put("now", now_ms);
    provider::ProviderResult failure;
    auto done = call(m, "expired", failure);
    if (!done) {
        // No verdict from a broken provider: the host's own, from expires_at.
        services_.log(LogLevel::warn, failure.message);
        return current.expired_at(now_ms);
    }
    return bool_of(*done, "expired").value_or(current.expired_at(now_ms));
}

provider::ProviderResult IsolatedProvider::revoke(const detail::CredentialData& current) {
    return status_call("revoke", current, "revocation failed", nullptr);
}

provider::ProviderResult IsolatedProvider::whoami(const detail::CredentialData& current, std::string& json) {
    return status_call("whoami", current, "whoami failed", &json);
}

provider::ProviderResult IsolatedProvider::status_call(const char* op, const detail::CredentialData& current,
                                              const char* fallback, std::string* json) {
    std::lock_guard lock(mu_);
    Message m(op);
    m.put("current", credential_json(current, m.alloc()));
    provider::ProviderResult failure;
    auto done = call(m, op, failure);
    if (!done) return failure;
    provider::ProviderResult o;
    o.status = status_from(int_of(*done, "status").value_or(LATCHKEY_E_INTERNAL));
    if (o.status != LATCHKEY_OK)
        o.message = services_.redactor.redact(text_of(*done, "message").value_or(fallback));
    else if (json)
        *json = services_.redactor.redact(text_of(*done, "json").value_or("{}"));
    return o;
}

}  // namespace latchkey::isolation
