#include "isolation/helper_session.hpp"

#include <memory>

#include "provider/provider_instance.hpp"
#include "isolation/fatal_report.hpp"
#include "isolation/frames.hpp"
#include "isolation/messages.hpp"
#include "latchkey/error.hpp"
#include "provider/loaded_provider.hpp"

namespace latchkey::isolation {

namespace {

// One conversation with the host. Questions go out and their answer is the
// next frame: the host sends nothing else while a call runs.
class Session {
 public:
    explicit Session(int fd) : fd_(fd) {}

    void tell(const Message& m) {
        if (!write_frame(fd_, m.doc())) std::_Exit(0);  // the host is gone
    }
    rapidjson::Document ask(const Message& m) {
        tell(m);
        ReadFailure why;
        auto reply = read_frame(fd_, 0, why);
        if (!reply || op_of(*reply) != "answer") std::_Exit(0);
        return std::move(*reply);
    }

 private:
    int fd_;
};

// The person, reached through the host.
class ForwardedInteraction : public provider::Interaction {
 public:
    explicit ForwardedInteraction(Session& s) : s_(s) {}
    bool interactive() const override {
        return bool_of(s_.ask(Message("interactive")), "interactive").value_or(false);
    }
    void notice(const std::string& text) override { s_.tell(Message("notice").put("text", text)); }
    void progress(const std::string& line) override {
        s_.tell(Message("progress").put("line", line));
    }
    std::optional<std::string> prompt(const std::string& question, bool secret) override {
        return text_of(s_.ask(Message("prompt").put("question", question).put("secret", secret)),
                       "answer");
    }
    bool open_url(const std::string& url) override {
        return bool_of(s_.ask(Message("open_url").put("url", url)), "opened").value_or(false);
    }

 private:
    Session& s_;
};

provider::SiteLinks forwarded_links(Session& s) {
    provider::SiteLinks links;
    links.cache_get = [&s](const std::string& name) {
        return text_of(s.ask(Message("cache_get").put("name", name)), "value");
    };
    links.cache_put = [&s](const std::string& name, const std::string& value, int64_t expires) {
        s.tell(Message("cache_put")
                   .put("name", name)
                   .put("value", value)
                   .put("expires_at_ms", expires));
    };
    links.fetch_site = [&s](const std::string& site) {
        auto reply = s.ask(Message("fetch_site").put("site", site));
        auto status = int_of(reply, "status").value_or(LATCHKEY_E_INTERNAL);
        if (status == LATCHKEY_OK && reply.HasMember("credential"))
            if (auto c = credential_from(reply["credential"])) return *c;
        std::string message = text_of(reply, "message").value_or("fetch_site failed");
        ErrorKind kind = status == LATCHKEY_E_CONFIG                 ? ErrorKind::config
                         : status == LATCHKEY_E_REJECTED             ? ErrorKind::rejected
                         : status == LATCHKEY_E_TRANSIENT            ? ErrorKind::transient
                         : status == LATCHKEY_E_INTERACTION_REQUIRED ? ErrorKind::login_required
                                                                     : ErrorKind::internal;
        throw Error(kind, message);
    };
    return links;
}

Message ready(const provider::LoadedProvider& p) {
    const auto& d = p.descriptor();
    bool v1_1 = d.struct_size >= LATCHKEY_PROVIDER_V1_1_SIZE;
    Message m("ready");
    m.put("name", p.name());
    m.put("version", d.version ? d.version : "");
    m.put("schema", schema_json(p.schema(), m.alloc()));
    m.put("refresh", d.refresh != nullptr);
    m.put("expired", d.expired != nullptr);
    m.put("revoke", v1_1 && d.revoke != nullptr);
    m.put("whoami", v1_1 && d.whoami != nullptr);
    return m;
}

Message done(const provider::ProviderResult& o) {
    Message m("done");
    m.put("status", static_cast<int64_t>(o.status));
    m.put("message", o.message);
    m.put("retry_after_ms", o.retry_after_ms);
    if (o.credential) m.put("credential", credential_json(*o.credential, m.alloc()));
    return m;
}

Message failed(latchkey_status status, const std::string& message) {
    provider::ProviderResult o;
    o.status = status;
    o.message = message;
    return done(o);
}

}  // namespace

int serve_host(int fd, const std::string& plugin_path, const std::string& sha256) {
    report_fatal_signals(fd);
    Session session(fd);
    std::shared_ptr<provider::LoadedProvider> provider;
    try {
        provider = provider::load_provider(plugin_path, sha256);
    } catch (const std::exception& e) {
        session.tell(Message("refused").put("message", e.what()));
        return 1;
    }
    session.tell(ready(*provider));

    provider::Services services;
    ForwardedInteraction person(session);
    services.interaction = &person;
    services.log_sink = [&session](LogLevel level, const std::string& line) {
        session.tell(Message("log").put("level", static_cast<int64_t>(level)).put("text", line));
    };
    services.on_wait = [&session](int64_t ms) { session.tell(Message("wait").put("ms", ms)); };
    std::unique_ptr<provider::ProviderInstance> instance;

    for (;;) {
        ReadFailure why;
        auto msg = read_frame(fd, 0, why);
        if (!msg) return why == ReadFailure::closed ? 0 : 1;
        std::string op = op_of(*msg);
        if (op == "create") {
            auto site = text_of(*msg, "site");
            auto name = text_of(*msg, "provider");
            auto level = int_of(*msg, "log_level");
            auto values = msg->HasMember("values") ? values_from((*msg)["values"]) : std::nullopt;
            if (!site || !name || !level || !values || *level < 0 || *level > 3) return 1;
            policy::ResolvedSite resolved;
            resolved.name = *site;
            resolved.provider = *name;
            resolved.schema = provider->schema();
            resolved.values = std::move(*values);
            services.log_level = static_cast<LogLevel>(*level);
            instance.reset();
            try {
                instance = std::make_unique<provider::ProviderInstance>(
                    provider, std::move(resolved), services, forwarded_links(session));
                session.tell(failed(LATCHKEY_OK, ""));
            } catch (const Error& e) {
                session.tell(
                    failed(e.kind() == ErrorKind::config ? LATCHKEY_E_CONFIG : LATCHKEY_E_INTERNAL,
                           e.what()));
            }
            continue;
        }
        if (!instance) return 1;  // every call comes after a create
        std::optional<detail::CredentialData> current;
        if (msg->HasMember("current")) {
            current = credential_from((*msg)["current"]);
            if (!current) return 1;
        }
        if (op == "acquire") {
            session.tell(done(instance->acquire()));
        } else if (op == "refresh" && current) {
            session.tell(done(instance->refresh(*current)));
        } else if (op == "expired" && current) {
            auto now = int_of(*msg, "now");
            if (!now) return 1;
            session.tell(failed(LATCHKEY_OK, "").put("expired", instance->expired(*current, *now)));
        } else if (op == "revoke" && current) {
            session.tell(done(instance->revoke(*current)));
        } else if (op == "whoami" && current) {
            std::string json;
            auto o = instance->whoami(*current, json);
            session.tell(done(o).put("json", json));
        } else {
            return 1;
        }
    }
}

}  // namespace latchkey::isolation
