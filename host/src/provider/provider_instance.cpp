#include "provider/provider_instance.hpp"

#include <cstring>
#include <thread>

#include "abi/json_document.hpp"
#include "abi/kit_services.hpp"
#include "abi/option_view.hpp"
#include "abi/shield.hpp"
#include "abi/status.hpp"
#include "credential/credential_check.hpp"
#include "crypto/jwt.hpp"
#include "crypto/primitives.hpp"
#include "crypto/signing.hpp"
#include "latchkey/error.hpp"
#include "util/clock.hpp"
#include "util/home_path.hpp"
#include "util/strings.hpp"

// The result object handed to plugins: a credential under construction.
struct latchkey_result {
    latchkey::detail::CredentialData data;
    latchkey_status status = LATCHKEY_OK;
    std::string message;
    int64_t retry_after_ms = 0;
};

// A response the plugin reads through accessors and hands back to release.
struct latchkey_http_response {
    latchkey::http::Response response;
};

namespace latchkey::provider {

using abi::shielded;

struct ProviderInstance::Context {
    ProviderInstance* self;
    abi::OptionView options;  // the site's values, as option() hands them out
};

namespace {

ProviderInstance::Context* context_of(void* ctx) {
    return static_cast<ProviderInstance::Context*>(ctx);
}

void detail_sink_append(void* user, const char* data, size_t len) {
    static_cast<std::string*>(user)->append(data, len);
}

void copy_error(char* buf, size_t len, const std::string& text) {
    if (!buf || !len) return;
    std::snprintf(buf, len, "%s", text.c_str());
}

// The C view of a credential; valid while `cur` and this object live.
class CredentialView {
 public:
    explicit CredentialView(const detail::CredentialData& cur) {
        for (auto& [k, v] : cur.extras) keys_.push_back(k.c_str()), values_.push_back(v.c_str());
        view_.struct_size = sizeof view_;
        view_.token = cur.token.c_str();
        view_.token_type = cur.token_type.c_str();
        view_.refresh_token = cur.refresh_token.empty() ? nullptr : cur.refresh_token.c_str();
        view_.expires_at_ms = cur.expires_at_ms;
        view_.obtained_at_ms = cur.obtained_at_ms;
        view_.extra_count = keys_.size();
        view_.extra_keys = keys_.data();
        view_.extra_values = values_.data();
        view_.header_name = cur.header_name.c_str();
    }
    const latchkey_credential* get() const { return &view_; }

 private:
    std::vector<const char*> keys_, values_;
    latchkey_credential view_{};
};

}  // namespace

// ---- the C callbacks ----------------------------------------------------
namespace cb {

const char* option(void* ctx, const char* key) { return context_of(ctx)->options.text(key); }
size_t option_list_size(void* ctx, const char* key) {
    return context_of(ctx)->options.list_size(key);
}
const char* option_list_item(void* ctx, const char* key, size_t i) {
    return context_of(ctx)->options.list_item(key, i);
}
const char* site_name(void* ctx) { return context_of(ctx)->self->site().name.c_str(); }

latchkey_status http(void* ctx, const latchkey_http_request* req, latchkey_http_response** out,
                     char* error, size_t error_len) {
    auto* self = context_of(ctx)->self;
    if (!req || !out || req->struct_size < LATCHKEY_HTTP_REQUEST_V1_0_SIZE) {
        copy_error(error, error_len, "malformed HTTP request from the provider");
        return LATCHKEY_E_INTERNAL;
    }
    *out = nullptr;
    // A plugin that declares ABI 1.0 never has the fields 1.1 appended read,
    // whatever its request's struct_size says: only the 1.0 part is copied.
    latchkey_http_request v1_0{};
    if (!self->provider().declares_minor(1)) {
        std::memcpy(&v1_0, req, LATCHKEY_HTTP_REQUEST_V1_0_SIZE);
        v1_0.struct_size = LATCHKEY_HTTP_REQUEST_V1_0_SIZE;
        req = &v1_0;
    }
    int64_t timeout = req->timeout_ms > 0 ? req->timeout_ms : self->site().timeout_ms();
    if (self->services().on_wait) self->services().on_wait(timeout);
    http::Failure failure;
    self->services().log(LogLevel::debug, std::string(req->method ? req->method : "GET") + " " +
                                              (req->url ? req->url : ""));
    auto resp = self->services().send(*req, timeout, failure, self->site().ca_file());
    if (!resp) {
        copy_error(error, error_len, self->services().redactor.redact(failure.message));
        switch (failure.kind) {
            case http::Failure::Kind::refused: return LATCHKEY_E_CONFIG;
            // An answer over the size cap would be as large next time: not
            // worth retrying.
            case http::Failure::Kind::too_large:
            case http::Failure::Kind::internal: return LATCHKEY_E_INTERNAL;
            case http::Failure::Kind::transport: break;
        }
        return LATCHKEY_E_TRANSIENT;
    }
    self->services().log(LogLevel::debug, "-> HTTP " + std::to_string(resp->status));
    *out = new latchkey_http_response{std::move(*resp)};
    return LATCHKEY_OK;
}
long http_status(void*, const latchkey_http_response* r) { return r ? r->response.status : 0; }
const char* http_body(void*, const latchkey_http_response* r, size_t* len) {
    if (!r) return nullptr;
    if (len) *len = r->response.body.size();
    return r->response.body.c_str();
}
const char* http_header(void*, const latchkey_http_response* r, const char* name) {
    if (!r || !name) return nullptr;
    auto* v = r->response.header(util::to_lower(name));
    return v ? v->c_str() : nullptr;
}
void http_release(void*, latchkey_http_response* r) { delete r; }

void log(void* ctx, latchkey_log_level level, const char* message) {
    auto* self = context_of(ctx)->self;
    self->services().log(static_cast<LogLevel>(level),
                         self->site().name + ": " + (message ? message : ""));
}
void add_secret(void* ctx, const char* value) {
    if (value) context_of(ctx)->self->services().redactor.add(value);
}

int interactive(void* ctx) {
    auto* i = context_of(ctx)->self->services().interaction;
    return i && i->interactive() ? 1 : 0;
}
void notice(void* ctx, const char* text) {
    auto* s = context_of(ctx)->self;
    if (s->services().interaction && text)
        s->services().interaction->notice(s->services().redactor.redact(text));
}
latchkey_status prompt(void* ctx, const char* question, int secret, latchkey_sink sink,
                       void* user) {
    auto* self = context_of(ctx)->self;
    auto* i = self->services().interaction;
    if (!sink) return LATCHKEY_E_INTERNAL;
    if (!i || !i->interactive()) return LATCHKEY_E_INTERACTION_REQUIRED;
    auto answer =
        i->prompt(self->services().redactor.redact(question ? question : ""), secret != 0);
    if (!answer) return LATCHKEY_E_INTERACTION_REQUIRED;
    if (secret) context_of(ctx)->self->services().redactor.add(*answer);
    sink(user, answer->data(), answer->size());
    return LATCHKEY_OK;
}
int open_url(void* ctx, const char* url) {
    auto* i = context_of(ctx)->self->services().interaction;
    try {
        return i && url && i->open_url(url) ? 0 : 1;
    } catch (...) {
        return 1;  // 0 would say it opened (shielded<> returns 0)
    }
}

int64_t now_ms(void*) { return util::now_ms(); }
int sleep_ms(void* ctx, int64_t ms) {
    if (auto& on_wait = context_of(ctx)->self->services().on_wait) on_wait(ms);
    // Sliced so Ctrl-C ends a long poll promptly.
    auto until = util::now_ms() + ms;
    while (util::now_ms() < until) {
        if (cancelled().load()) return 1;
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::min<int64_t>(50, until - util::now_ms())));
    }
    return cancelled().load() ? 1 : 0;
}
latchkey_status random_bytes(void*, unsigned char* out, size_t len) {
    return crypto::random_bytes(out, len) ? LATCHKEY_OK : LATCHKEY_E_INTERNAL;
}

void base64_encode(void*, const unsigned char* data, size_t len, int url_safe, latchkey_sink sink,
                   void* user) {
    if (!sink || (!data && len)) return;
    std::string out = crypto::base64_encode(
        std::string_view(reinterpret_cast<const char*>(data), len), url_safe != 0);
    sink(user, out.data(), out.size());
}
latchkey_status base64_decode(void*, const char* text, size_t len, latchkey_sink sink, void* user) {
    if (!sink || (!text && len)) return LATCHKEY_E_INTERNAL;
    auto out = crypto::base64_decode(std::string_view(text, len));
    if (!out) return LATCHKEY_E_INTERNAL;
    sink(user, out->data(), out->size());
    return LATCHKEY_OK;
}
void url_encode(void*, const char* text, latchkey_sink sink, void* user);

latchkey_status sign(void* ctx, const char* alg, const char* key_file, const char* passphrase,
                     const unsigned char* data, size_t len, latchkey_sink sink, void* user,
                     char* error, size_t error_len) {
    auto* self = context_of(ctx)->self;
    if (!alg || !key_file || !sink || (!data && len)) {
        copy_error(error, error_len, "sign: algorithm and key file are required");
        return LATCHKEY_E_INTERNAL;
    }
    if (passphrase) self->services().redactor.add(passphrase);
    std::string err;
    // A provider may hand over a path from an option of its own type STRING
    // (an older plugin): expanded here as PATH options are when resolved.
    auto sig = crypto::sign_pem(alg, util::expand_home(key_file), passphrase,
                                std::string_view(reinterpret_cast<const char*>(data), len), err);
    if (!sig) {
        // No "site 'NAME': " here: the host puts it in front of the error the
        // provider returns, and a provider passing this one on would show it twice.
        copy_error(error, error_len, self->services().redactor.redact(err));
        return LATCHKEY_E_CONFIG;
    }
    sink(user, sig->data(), sig->size());
    return LATCHKEY_OK;
}

int cache_get(void* ctx, const char* name, latchkey_sink sink, void* user) {
    auto* self = context_of(ctx)->self;
    const auto& links = self->links();
    if (!name || !sink || !links.cache_get) return 0;
    try {
        auto value = links.cache_get(name);
        if (!value) return 0;
        sink(user, value->data(), value->size());
        return 1;
    } catch (const std::exception& e) {
        // An unreadable cache is a miss; the provider fetches afresh.
        self->services().log(LogLevel::warn, self->site().name + ": cache not read: " + e.what());
        return 0;
    }
}
void cache_put(void* ctx, const char* name, const char* value, size_t len, int64_t expires_at_ms) {
    auto* self = context_of(ctx)->self;
    if (!name || !self->links().cache_put) return;
    if (!credential::time_in_range(expires_at_ms)) {
        // Stored, it would be refused at every read; not caching costs a re-fetch.
        self->services().log(LogLevel::warn, self->site().name + ": cache entry '" + name +
                                                 "' not saved: its expiry is not a time between "
                                                 "1970 and the year 9999");
        return;
    }
    try {
        self->links().cache_put(name, std::string(value ? value : "", value ? len : 0),
                                expires_at_ms);
    } catch (const std::exception& e) {
        // A cache that cannot be written costs a later re-fetch, not this request.
        self->services().log(LogLevel::warn, self->site().name + ": cache not saved: " + e.what());
    }
}

void progress(void* ctx, const char* line) {
    auto* s = context_of(ctx)->self;
    if (s->services().interaction && line)
        s->services().interaction->progress(s->services().redactor.redact(line));
}

latchkey_status fetch_site(void* ctx, const char* site, latchkey_credential_sink sink, void* user,
                           char* error, size_t error_len) {
    auto* self = context_of(ctx)->self;
    if (!site || !sink || !self->links().fetch_site) {
        copy_error(error, error_len, "fetch_site: no site named");
        return LATCHKEY_E_INTERNAL;
    }
    try {
        detail::CredentialData got = self->links().fetch_site(site);
        CredentialView view(got);
        sink(user, view.get());
        return LATCHKEY_OK;
    } catch (const Error& e) {
        copy_error(error, error_len, self->services().redactor.redact(e.what()));
        return abi::status_of(e.kind());
    } catch (const std::exception& e) {
        copy_error(error, error_len, self->services().redactor.redact(e.what()));
        return LATCHKEY_E_INTERNAL;
    }
}

void result_token(latchkey_result* r, const char* v) { r->data.token = v ? v : ""; }
void result_token_type(latchkey_result* r, const char* v) { r->data.token_type = v ? v : ""; }
void result_header_name(latchkey_result* r, const char* v) {
    if (v && *v) r->data.header_name = v;
}
void result_expires_at(latchkey_result* r, int64_t ms) { r->data.expires_at_ms = ms; }
void result_refresh_token(latchkey_result* r, const char* v) { r->data.refresh_token = v ? v : ""; }
void result_extra(latchkey_result* r, const char* k, const char* v) {
    if (!k) return;
    r->data.extras[k] = v ? v : "";
    r->data.json_extras.erase(k);
}
// A service's failure: its message is the call's if the provider returns
// the failure (see "Errors" in provider.h), so the status is left alone.
void note(latchkey_result* r, const std::string& message) { r->message = message; }
const char* result_message(latchkey_result* r) { return r ? r->message.c_str() : ""; }
latchkey_status result_extra_json(latchkey_result* r, const char* k, const char* json, size_t len) {
    if (!r) return LATCHKEY_E_INTERNAL;
    if (!k || (!json && len)) {
        note(r, "result_extra_json: no key or no JSON");
        return LATCHKEY_E_INTERNAL;
    }
    std::string why;
    auto compact = abi::compact_json(std::string_view(json ? json : "", len), why);
    if (!compact) {
        note(r, "extra '" + std::string(k) + "' is " + why);
        return LATCHKEY_E_INTERNAL;
    }
    r->data.extras[k] = std::move(*compact);
    r->data.json_extras.insert(k);
    return LATCHKEY_OK;
}

latchkey_status sign_jwt(void* ctx, const char* alg, const char* key_file, const char* passphrase,
                         const char* header_json, const char* claims_json, latchkey_sink sink,
                         void* user, latchkey_result* r) {
    auto* self = context_of(ctx)->self;
    auto fail = [&](latchkey_status st, const std::string& why) {
        if (r) note(r, self->services().redactor.redact(why));
        return st;
    };
    if (!alg || !key_file || !claims_json || !sink)
        return fail(LATCHKEY_E_INTERNAL, "sign_jwt: algorithm, key file and claims are required");
    if (passphrase) self->services().redactor.add(passphrase);
    crypto::JwtFailure failure;
    auto jwt = crypto::sign_jwt(alg, util::expand_home(key_file), passphrase,
                                header_json ? header_json : "", claims_json, failure);
    if (!jwt)
        return fail(failure.key_problem ? LATCHKEY_E_CONFIG : LATCHKEY_E_INTERNAL, failure.message);
    self->services().redactor.add(*jwt);  // a bearer credential for as long as it lives
    sink(user, jwt->data(), jwt->size());
    return LATCHKEY_OK;
}
latchkey_status result_error(latchkey_result* r, latchkey_status st, const char* message) {
    r->status = st == LATCHKEY_OK ? LATCHKEY_E_INTERNAL : st;
    r->message = message ? message : "";
    return r->status;
}
void result_retry_after(latchkey_result* r, int64_t ms) { r->retry_after_ms = ms; }

}  // namespace cb

ProviderInstance::ProviderInstance(std::shared_ptr<provider::LoadedProvider> provider,
                                   policy::ResolvedSite site, Services& services, SiteLinks links)
    : provider_(std::move(provider)),
      site_(std::move(site)),
      services_(services),
      links_(std::move(links)) {
    ctx_ = std::make_unique<Context>(Context{this, abi::OptionView(site_.values)});
    for (auto& s : policy::secret_texts(site_.values)) services_.redactor.add(s);
    latchkey_host& t = table_;
    t.struct_size = sizeof t;
    t.abi_major = LATCHKEY_ABI_MAJOR;
    t.abi_minor = LATCHKEY_ABI_MINOR;
    t.ctx = ctx_.get();
    t.option = shielded<cb::option>;
    t.option_list_size = shielded<cb::option_list_size>;
    t.option_list_item = shielded<cb::option_list_item>;
    t.site_name = shielded<cb::site_name>;
    t.http = shielded<cb::http>;
    t.http_status = shielded<cb::http_status>;
    t.http_body = shielded<cb::http_body>;
    t.http_header = shielded<cb::http_header>;
    t.http_release = shielded<cb::http_release>;
    t.log = shielded<cb::log>;
    t.add_secret = shielded<cb::add_secret>;
    t.interactive = shielded<cb::interactive>;
    t.notice = shielded<cb::notice>;
    t.prompt = shielded<cb::prompt>;
    t.open_url = shielded<cb::open_url>;
    t.now_ms = shielded<cb::now_ms>;
    t.sleep_ms = shielded<cb::sleep_ms>;
    t.random_bytes = shielded<cb::random_bytes>;
    t.base64_encode = shielded<cb::base64_encode>;
    t.base64_decode = shielded<cb::base64_decode>;
    t.url_encode = shielded<cb::url_encode>;
    t.result_token = shielded<cb::result_token>;
    t.result_token_type = shielded<cb::result_token_type>;
    t.result_header_name = shielded<cb::result_header_name>;
    t.result_expires_at = shielded<cb::result_expires_at>;
    t.result_refresh_token = shielded<cb::result_refresh_token>;
    t.result_extra = shielded<cb::result_extra>;
    t.result_error = shielded<cb::result_error>;
    t.result_retry_after = shielded<cb::result_retry_after>;
    t.sign = shielded<cb::sign>;
    t.cache_get = shielded<cb::cache_get>;
    t.cache_put = shielded<cb::cache_put>;
    t.progress = shielded<cb::progress>;
    t.fetch_site = shielded<cb::fetch_site>;
    t.result_message = shielded<cb::result_message>;
    abi::install_kit_services<cb::note, cb::result_retry_after>(t);
    t.sign_jwt = shielded<cb::sign_jwt>;
    t.result_extra_json = shielded<cb::result_extra_json>;

    latchkey_result r;
    latchkey_status st = provider_->descriptor().create(&table_, &instance_, &r);
    if (st != LATCHKEY_OK || !instance_) {
        std::string msg =
            services_.redactor.redact(r.message.empty() ? "create failed" : r.message);
        instance_ = nullptr;
        // A provider's own option checks (one of two options missing, say)
        // point at the site's table, as the host's checks do.
        std::string where =
            st == LATCHKEY_E_CONFIG && site_.pos.known() ? site_.pos.str() + ": " : "";
        throw Error(
            st == LATCHKEY_E_CONFIG ? ErrorKind::config : ErrorKind::plugin,
            where + "site '" + site_.name + "' (provider " + provider_->name() + "): " + msg);
    }
}

ProviderInstance::~ProviderInstance() {
    if (instance_) provider_->descriptor().destroy(instance_);
}

namespace {

// Why the credential a provider returned cannot be accepted, or nullopt.
// Every provider's result passes here, so this is the one check that a
// token, its type and its header name fit in a header line and that its
// expiry is a real time. The message never quotes a value.
std::optional<std::string> refusal(const detail::CredentialData& c, const std::string& provider) {
    if (c.token.empty()) return "the provider returned no token";
    if (auto problem = credential::header_problem(c))
        return "the credential from provider " + provider + " was refused: " + *problem +
               "; the server sent a malformed token, and nothing was stored";
    if (!credential::time_in_range(c.expires_at_ms))
        return "the credential from provider " + provider + " was refused: its expiry (" +
               std::to_string(c.expires_at_ms) +
               " ms since 1970) is not a time between 1970 and the year 9999; the server sent a "
               "malformed lifetime, and nothing was stored";
    return std::nullopt;
}

ProviderResult finish(latchkey_status st, latchkey_result& r, Services& services,
                      const policy::ResolvedSite& site, const std::string& provider) {
    ProviderResult out;
    out.status = st != LATCHKEY_OK ? st : r.status;
    if (out.status == LATCHKEY_OK) {
        // The site's `token_type` wins over the provider's, and is checked
        // with it.
        if (auto type = site.token_type()) r.data.token_type = *type;
        if (auto why = refusal(r.data, provider)) {
            // A live token is a secret, whatever else is wrong with it.
            services.redactor.add(r.data.token);
            services.redactor.add(r.data.refresh_token);
            out.status = LATCHKEY_E_INTERNAL;
            r.message = *why;
        }
    }
    if (out.status != LATCHKEY_OK) {
        out.message =
            services.redactor.redact(r.message.empty() ? "failed without a message" : r.message);
        out.retry_after_ms = r.retry_after_ms;
        return out;
    }
    services.redactor.add(r.data.token);
    services.redactor.add(r.data.refresh_token);
    r.data.obtained_at_ms = util::now_ms();
    out.credential = std::make_shared<detail::CredentialData>(std::move(r.data));
    return out;
}

}  // namespace

ProviderResult accept_result(latchkey_status status, const detail::CredentialData* credential,
                             const std::string& message, int64_t retry_after_ms, Services& services,
                             const policy::ResolvedSite& site, const std::string& provider) {
    latchkey_result r;
    if (credential) {
        const detail::CredentialData& c = *credential;
        cb::result_token(&r, c.token.c_str());
        cb::result_token_type(&r, c.token_type.c_str());
        cb::result_header_name(&r, c.header_name.c_str());
        cb::result_expires_at(&r, c.expires_at_ms);
        cb::result_refresh_token(&r, c.refresh_token.c_str());
        for (auto& [k, v] : c.extras) {
            if (c.json_extras.count(k))
                cb::result_extra_json(&r, k.c_str(), v.data(), v.size());
            else
                cb::result_extra(&r, k.c_str(), v.c_str());
        }
    }
    if (status != LATCHKEY_OK) cb::result_error(&r, status, message.c_str());
    cb::result_retry_after(&r, retry_after_ms);
    return finish(status, r, services, site, provider);
}

ProviderResult ProviderInstance::acquire() {
    latchkey_result r;
    latchkey_status st = provider_->descriptor().acquire(instance_, &r);
    return finish(st, r, services_, site_, provider_->name());
}

void ProviderInstance::know_secrets_of(const detail::CredentialData& cur) {
    // A credential read back from storage was never seen by finish(): a
    // provider echoing it in a message must still find it redacted.
    services_.redactor.add(cur.token);
    services_.redactor.add(cur.refresh_token);
}

ProviderResult ProviderInstance::refresh(const detail::CredentialData& cur) {
    know_secrets_of(cur);
    CredentialView view(cur);
    latchkey_result r;
    latchkey_status st = provider_->descriptor().refresh(instance_, view.get(), &r);
    ProviderResult out = finish(st, r, services_, site_, provider_->name());
    // A refresh that does not rotate the refresh token keeps the old one.
    if (out.credential && out.credential->refresh_token.empty())
        out.credential->refresh_token = cur.refresh_token;
    return out;
}

bool ProviderInstance::can_revoke() const {
    return provider_->has_field(1, LATCHKEY_PROVIDER_V1_1_SIZE) && provider_->descriptor().revoke;
}

bool ProviderInstance::can_whoami() const {
    return provider_->has_field(1, LATCHKEY_PROVIDER_V1_1_SIZE) && provider_->descriptor().whoami;
}

ProviderResult ProviderInstance::revoke(const detail::CredentialData& cur) {
    ProviderResult out;
    if (!can_revoke()) return out;
    know_secrets_of(cur);
    CredentialView view(cur);
    latchkey_result r;
    latchkey_status st = provider_->descriptor().revoke(instance_, view.get(), &r);
    out.status = st != LATCHKEY_OK ? st : r.status;
    if (out.status != LATCHKEY_OK)
        out.message =
            services_.redactor.redact(r.message.empty() ? "revocation failed" : r.message);
    return out;
}

ProviderResult ProviderInstance::whoami(const detail::CredentialData& cur, std::string& json) {
    ProviderResult out;
    if (!can_whoami()) {
        out.status = LATCHKEY_E_CONFIG;
        out.message = "provider " + provider_->name() + " cannot tell who a credential belongs to";
        return out;
    }
    know_secrets_of(cur);
    CredentialView view(cur);
    latchkey_result r;
    latchkey_status st =
        provider_->descriptor().whoami(instance_, view.get(), detail_sink_append, &json, &r);
    out.status = st != LATCHKEY_OK ? st : r.status;
    if (out.status != LATCHKEY_OK)
        out.message = services_.redactor.redact(r.message.empty() ? "whoami failed" : r.message);
    else
        json = services_.redactor.redact(json);
    return out;
}

bool ProviderInstance::expired(const detail::CredentialData& cur, int64_t now_ms) {
    auto fn = provider_->descriptor().expired;
    if (!fn) return cur.expired_at(now_ms);
    CredentialView view(cur);
    return fn(instance_, view.get(), now_ms) != 0;
}

}  // namespace latchkey::provider
