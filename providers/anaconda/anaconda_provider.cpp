// The anaconda provider: Anaconda's API keys, sent as "Authorization: Bearer
// <key>". The key is either given (api_key, usually ANACONDA_AUTH_API_KEY) or
// minted at login: the OAuth login itself is another site's job (login_site,
// served by oauth2-device-code or oauth2-auth-code against Anaconda's OIDC
// provider); this provider takes that site's access token, exchanges it at
// POST https://{domain}/api/auth/api-keys for a long-lived API key, and the
// API key is what is stored and served. Anaconda API keys are JWTs: their
// `exp` claim is the credential's expiry.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>
#include <latchkey/common/jwt.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/common/token_error.hpp>
#include <latchkey/provider.hpp>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace latchkey;

const latchkey_option kOptions[] = {
    // IDENTITY: another key is another credential; the stored one must not
    // be served for it.
    {"api_key", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_SECRET | LATCHKEY_OPTF_IDENTITY, nullptr,
     "an API key to serve as is; usually { env = \"ANACONDA_AUTH_API_KEY\" }"},
    {"login_site", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, nullptr,
     "the site whose access token is exchanged for an API key (the OAuth login)"},
    {"domain", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, "anaconda.com",
     "Anaconda domain; the key exchange is POST https://DOMAIN/api/auth/api-keys"},
    {"base_url", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, nullptr,
     "overrides https://DOMAIN (an on-premises install on another port, a test server)"},
    {"scopes", LATCHKEY_OPT_LIST, LATCHKEY_OPTF_IDENTITY, nullptr,
     "scopes asked for in the new API key; empty leaves the choice to the server"},
    {"tags", LATCHKEY_OPT_LIST, 0, nullptr, "tags recorded with a new API key"},
    {},
};

void write_list(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key,
                const std::vector<std::string>& items) {
    w.Key(key);
    w.StartArray();
    for (const auto& s : items) w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
    w.EndArray();
}

class AnacondaProvider {
 public:
    explicit AnacondaProvider(sdk::Host& host) : host_(host) {
        login_site_ = host.option_or("login_site", "");
        if (login_site_.empty() && !host.option("api_key"))
            throw sdk::config_error(
                "set api_key (e.g. api_key = { env = \"ANACONDA_AUTH_API_KEY\" }) or "
                "login_site (the site that logs in to Anaconda)");
        std::string base = host.option_or("base_url", "");
        if (base.empty()) base = "https://" + std::string(common::trim(host.require("domain")));
        while (!base.empty() && base.back() == '/') base.pop_back();
        exchange_url_ = base + "/api/auth/api-keys";
        older_exchange_url_ = base + "/api/iam/api-keys";
    }

    // A configured key wins; otherwise a new key is minted from the login
    // site's access token (which may need `latchkey login` there first).
    sdk::Credential acquire() {
        if (auto configured = host_.option("api_key"); configured && !configured->empty()) {
            std::string key(common::trim(*configured));
            host_.add_secret(key);
            return credential(key, "the configured API key", true);
        }
        auto [key, url] = exchange();
        return credential(key, "the API key minted at " + url, false);
    }

 private:
    // POST {"scopes": [...], "tags": [...]} with the login site's token; 201
    // {"api_key": ...} is the only success Anaconda sends. A server that does
    // not know the address (404) is asked at the older one, /api/iam, which
    // Anaconda's own client also falls back to while servers move.
    // The key, and the address that minted it.
    std::pair<std::string, std::string> exchange() const {
        sdk::Current login = login_token();
        host_.add_secret(login.token);
        try {
            return {exchange_at(exchange_url_, login), exchange_url_};
        } catch (const NotFound&) {
            host_.debug(exchange_url_ + " answered 404; asking " + older_exchange_url_);
        }
        try {
            return {exchange_at(older_exchange_url_, login), older_exchange_url_};
        } catch (const NotFound&) {
            throw sdk::config_error("neither " + exchange_url_ + " nor " + older_exchange_url_ +
                                    " exchanges API keys (HTTP 404); check domain or base_url");
        }
    }

    // The exchange address answered 404.
    struct NotFound {};

    std::string exchange_at(const std::string& url, const sdk::Current& login) const {
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        w.StartObject();
        write_list(w, "scopes", host_.list("scopes"));
        write_list(w, "tags", host_.list("tags"));
        w.EndObject();

        sdk::HttpRequest req;
        req.url = url;
        req.headers = {"Content-Type: application/json", "Accept: application/json",
                       "Authorization: Bearer " + login.token};
        req.body.assign(buf.GetString(), buf.GetSize());
        sdk::HttpResponse resp = host_.http(req);

        rapidjson::Document doc;
        const bool parsed = !common::parse_bounded_json(doc, resp.body);
        const rapidjson::Value* key = parsed ? common::string_member(doc, "api_key") : nullptr;
        if (key) host_.add_secret(key->GetString());
        const std::string where = "API key exchange at " + url;
        if (resp.status == 404) throw NotFound{};
        if (resp.status != 201) {
            std::string detail = parsed ? error_detail(doc) : "";
            std::string msg = where + " answered HTTP " + std::to_string(resp.status) +
                              (detail.empty() ? "" : ": " + detail);
            if (resp.status == 401 || resp.status == 403)
                throw sdk::rejected(msg + "; the login at site '" + login_site_ +
                                    "' was refused: run `latchkey login --force --at " +
                                    login_site_ + "`");
            if (common::is_transient_status(resp.status))
                throw sdk::Error(LATCHKEY_E_TRANSIENT, msg, common::retry_after_ms(host_, resp));
            throw sdk::internal_error(msg + " (expected 201 Created)");
        }
        if (!key || key->GetStringLength() == 0)
            throw sdk::internal_error(where + " answered 201 without an api_key");
        return key->GetString();
    }

    // The login site's access token. When that site needs a person, the
    // person is sent to log in here: `latchkey login` at this site runs the
    // login site's flow too, then mints the key.
    sdk::Current login_token() const {
        try {
            return host_.fetch_site(login_site_);
        } catch (const sdk::Error& e) {
            if (e.status() != LATCHKEY_E_INTERACTION_REQUIRED) throw;
            throw sdk::interaction_required("a new API key needs a login at site '" + login_site_ +
                                            "'");
        }
    }

    // FastAPI-style {"detail": "..."} or OAuth-style {"error_description": ...}.
    static std::string error_detail(const rapidjson::Document& doc) {
        for (const char* name : {"detail", "message", "error_description", "error"})
            if (const rapidjson::Value* v = common::string_member(doc, name))
                return common::printable(v->GetString());
        return "";
    }

    // Anaconda's keys are JWTs; without one latchkey cannot tell when to ask
    // for a new key, so anything else is refused rather than served forever.
    // A configured key is the policy's problem; a minted one the server's.
    sdk::Credential credential(const std::string& key, const std::string& what,
                               bool configured) const {
        auto fail = [&](const std::string& m) {
            return configured ? sdk::config_error(m +
                                                  "; check the api_key option "
                                                  "(ANACONDA_AUTH_API_KEY)")
                              : sdk::internal_error(m);
        };
        // A minted key with one is refused by the host, as every provider's
        // token is; a configured one is the policy's to fix, and said so here.
        if (configured && common::has_control_chars(key))
            throw fail(what + " contains a line break or control character");
        auto exp = common::jwt_expiry_seconds(host_, key);
        if (!exp)
            throw fail(what +
                       " is not a JWT with an exp claim (Anaconda API keys are), so its expiry "
                       "is unknown");
        if (*exp * 1000 <= host_.now_ms())
            throw sdk::rejected(what + " expired at " + common::format_utc(*exp) +
                                (configured ? "; create a new key"
                                            : "; run `latchkey login --at " + host_.site() + "`"));
        sdk::Credential c;
        c.token = key;
        c.token_type = "Bearer";
        c.expires_at_ms = *exp * 1000;
        return c;
    }

    const sdk::Host& host_;
    std::string login_site_;
    std::string exchange_url_;
    std::string older_exchange_url_;
};

}  // namespace

LATCHKEY_PROVIDER(AnacondaProvider, "anaconda", "1.0.0",
                  "Anaconda API keys (JWT), given or minted from another site's OAuth login.",
                  kOptions)
