// Header-only C++ helpers for writing a latchkey provider.
//
// A provider is one class and one macro:
//
//   class MyProvider {
//    public:
//     explicit MyProvider(latchkey::sdk::Host& host);   // read options; throw on bad config
//     latchkey::sdk::Credential acquire();
//     // optional: latchkey::sdk::Credential refresh(const latchkey::sdk::Current&);
//     // optional: bool expired(const latchkey::sdk::Current&, int64_t now_ms);
//     // optional (ABI 1.1): void revoke(const latchkey::sdk::Current&);
//     // optional (ABI 1.1): std::string whoami(const latchkey::sdk::Current&);  // JSON object
//   };
//   LATCHKEY_PROVIDER(MyProvider, "my-provider", "1.0.0", "One line.", kOptions)
//
// Throw latchkey::sdk::Error to report a categorised failure. Every exception
// is caught at the C boundary and turned into a status; none crosses it. A
// host service that fails (ABI 1.3: JSON, time, sign_jwt, check_status)
// throws an Error carrying the host's message, which names what was wrong and
// never quotes a secret: let it go, or catch it and add context.
//
// docs/writing-providers.md is the guide: the life of a call, option flags
// (LATCHKEY_OPTF_IDENTITY!), error categories, messages, HTTP, threads, tests.
#ifndef LATCHKEY_PROVIDER_HPP
#define LATCHKEY_PROVIDER_HPP

#include <latchkey/provider.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace latchkey::sdk {

// A failure with the category the host acts on. The message is shown to the
// user: it must name what failed and must never contain a secret.
class Error : public std::runtime_error {
 public:
    Error(latchkey_status status, const std::string& message, int64_t retry_after_ms = 0)
        : std::runtime_error(message), status_(status), retry_after_ms_(retry_after_ms) {}
    latchkey_status status() const noexcept { return status_; }
    // For TRANSIENT errors: how long the server asked us to wait (0 = no advice).
    int64_t retry_after_ms() const noexcept { return retry_after_ms_; }

 private:
    latchkey_status status_;
    int64_t retry_after_ms_;
};

inline Error config_error(const std::string& m) { return {LATCHKEY_E_CONFIG, m}; }
inline Error rejected(const std::string& m) { return {LATCHKEY_E_REJECTED, m}; }
inline Error transient(const std::string& m) { return {LATCHKEY_E_TRANSIENT, m}; }
inline Error internal_error(const std::string& m) { return {LATCHKEY_E_INTERNAL, m}; }
inline Error interaction_required(const std::string& m) {
    return {LATCHKEY_E_INTERACTION_REQUIRED, m};
}

// What a provider returns from acquire/refresh.
struct Credential {
    std::string token;
    std::string token_type = "Bearer";  // "" sends the bare token
    std::string header_name;            // "" means Authorization
    int64_t expires_at_ms = 0;          // 0: unknown / does not expire
    std::string refresh_token;          // "" when none
    std::map<std::string, std::string> extras;
    // Typed extras (ABI 1.3): JSON text kept as JSON, so `latchkey status
    // -o json` shows the object. On an older host it goes in as a string.
    std::map<std::string, std::string> json_extras;
};

// The credential the host currently holds, as seen by refresh/expired.
struct Current {
    std::string token;
    std::string token_type;
    std::string header_name;  // "" when the host did not say (ABI 1.0 host)
    std::optional<std::string> refresh_token;
    int64_t expires_at_ms = 0;
    int64_t obtained_at_ms = 0;
    std::map<std::string, std::string> extras;

    static Current from(const latchkey_credential& c) {
        Current out;
        out.token = c.token ? c.token : "";
        out.token_type = c.token_type ? c.token_type : "";
        if (c.struct_size >= LATCHKEY_CREDENTIAL_V1_1_SIZE && c.header_name)
            out.header_name = c.header_name;
        if (c.refresh_token) out.refresh_token = c.refresh_token;
        out.expires_at_ms = c.expires_at_ms;
        out.obtained_at_ms = c.obtained_at_ms;
        for (size_t i = 0; i < c.extra_count; ++i) out.extras[c.extra_keys[i]] = c.extra_values[i];
        return out;
    }
};

struct HttpRequest {
    std::string method = "POST";
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    std::optional<std::pair<std::string, std::string>> basic_auth;
    int64_t timeout_ms = 0;
    // TLS client authentication (ABI 1.1 hosts); empty means none.
    std::string client_cert_file;
    std::string client_key_file;
    std::string client_key_password;
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names we asked for

    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

namespace detail {
inline void append_to_string(void* user, const char* data, size_t len) {
    static_cast<std::string*>(user)->append(data, len);
}
inline void copy_credential(void* user, const latchkey_credential* c) {
    *static_cast<std::optional<Current>*>(user) = Current::from(*c);
}
inline const char* c_str_or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

// The result of the provider call running on this thread (set by the
// adapter below), where ABI 1.3 services write a failure's message.
inline latchkey_result*& current_result() {
    static thread_local latchkey_result* result = nullptr;
    return result;
}
struct CurrentResult {
    latchkey_result* previous;
    explicit CurrentResult(latchkey_result* r) : previous(current_result()) {
        current_result() = r;
    }
    ~CurrentResult() { current_result() = previous; }
    CurrentResult(const CurrentResult&) = delete;
    CurrentResult& operator=(const CurrentResult&) = delete;
};
}  // namespace detail

class Json;
class JsonObject;

// The provider's view of the host services.
class Host {
 public:
    explicit Host(const latchkey_host* h) : h_(h) {}

    const latchkey_host* raw() const { return h_; }
    std::string site() const {
        const char* s = h_->site_name(h_->ctx);
        return s ? s : "";
    }

    std::optional<std::string> option(const char* key) const {
        const char* v = h_->option(h_->ctx, key);
        if (!v) return std::nullopt;
        return std::string(v);
    }
    std::string option_or(const char* key, std::string fallback) const {
        auto v = option(key);
        return v ? *v : std::move(fallback);
    }
    std::string require(const char* key) const {
        auto v = option(key);
        if (!v || v->empty()) throw config_error(std::string("option '") + key + "' is required");
        return *v;
    }
    int64_t integer(const char* key, int64_t fallback) const {
        auto v = option(key);
        if (!v) return fallback;
        try {
            return std::stoll(*v);
        } catch (const std::exception&) {
            throw config_error(std::string("option '") + key + "' is not an integer");
        }
    }
    bool flag(const char* key, bool fallback) const {
        auto v = option(key);
        return v ? *v == "true" : fallback;
    }
    std::vector<std::string> list(const char* key) const {
        std::vector<std::string> out;
        size_t n = h_->option_list_size(h_->ctx, key);
        for (size_t i = 0; i < n; ++i) out.emplace_back(h_->option_list_item(h_->ctx, key, i));
        return out;
    }

    // Sends a request; throws Error(TRANSIENT) when no response arrived.
    // `want_headers` lists (lower-case) response headers to copy out.
    HttpResponse http(const HttpRequest& r, std::initializer_list<const char*> want_headers = {
                                                "content-type", "retry-after"}) const {
        std::vector<const char*> lines;
        for (auto& l : r.headers) lines.push_back(l.c_str());
        latchkey_http_request req{};
        req.struct_size = sizeof req;
        req.method = r.method.c_str();
        req.url = r.url.c_str();
        req.headers = lines.data();
        req.header_count = lines.size();
        req.body = r.body.empty() ? nullptr : r.body.data();
        req.body_len = r.body.size();
        if (r.basic_auth) {
            req.basic_user = r.basic_auth->first.c_str();
            req.basic_password = r.basic_auth->second.c_str();
        }
        req.timeout_ms = r.timeout_ms;
        req.client_cert_file = detail::c_str_or_null(r.client_cert_file);
        req.client_key_file = detail::c_str_or_null(r.client_key_file);
        req.client_key_password = detail::c_str_or_null(r.client_key_password);
        if (!r.client_cert_file.empty() && !has_v1_1())
            throw config_error("site '" + site() +
                               "': TLS client certificates need latchkey 1.1 or later");
        latchkey_http_response* resp = nullptr;
        char err[512] = {0};
        latchkey_status st = h_->http(h_->ctx, &req, &resp, err, sizeof err);
        if (st != LATCHKEY_OK || !resp)
            throw Error(st == LATCHKEY_OK ? LATCHKEY_E_INTERNAL : st,
                        err[0] ? err : "HTTP request to " + r.url + " failed");
        // Released on every path, exceptions included.
        struct Release {
            const latchkey_host* h;
            latchkey_http_response* r;
            ~Release() { h->http_release(h->ctx, r); }
        } release{h_, resp};
        HttpResponse out;
        out.status = h_->http_status(h_->ctx, resp);
        size_t len = 0;
        const char* body = h_->http_body(h_->ctx, resp, &len);
        out.body.assign(body ? body : "", len);
        for (const char* name : want_headers) {
            if (const char* v = h_->http_header(h_->ctx, resp, name)) out.headers[name] = v;
        }
        return out;
    }

    void log(latchkey_log_level level, const std::string& m) const {
        h_->log(h_->ctx, level, m.c_str());
    }
    void debug(const std::string& m) const { log(LATCHKEY_LOG_DEBUG, m); }
    void info(const std::string& m) const { log(LATCHKEY_LOG_INFO, m); }
    void warn(const std::string& m) const { log(LATCHKEY_LOG_WARN, m); }
    void add_secret(const std::string& v) const {
        if (!v.empty()) h_->add_secret(h_->ctx, v.c_str());
    }

    bool interactive() const { return h_->interactive(h_->ctx) != 0; }
    void notice(const std::string& text) const { h_->notice(h_->ctx, text.c_str()); }
    std::string prompt(const std::string& question, bool secret = false) const {
        std::string answer;
        if (h_->prompt(h_->ctx, question.c_str(), secret ? 1 : 0, detail::append_to_string,
                       &answer) != LATCHKEY_OK)
            throw interaction_required("site '" + site() +
                                       "' needs a login: run `latchkey login --at " + site() + "`");
        return answer;
    }
    bool open_url(const std::string& url) const { return h_->open_url(h_->ctx, url.c_str()) == 0; }

    int64_t now_ms() const { return h_->now_ms(h_->ctx); }
    bool sleep_ms(int64_t ms) const { return h_->sleep_ms(h_->ctx, ms) == 0; }
    std::string random_bytes(size_t n) const {
        std::string out(n, '\0');
        if (h_->random_bytes(h_->ctx, reinterpret_cast<unsigned char*>(out.data()), n) !=
            LATCHKEY_OK)
            throw internal_error("no secure random source");
        return out;
    }

    std::string base64(std::string_view data, bool url_safe = false) const {
        std::string out;
        h_->base64_encode(h_->ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                          url_safe ? 1 : 0, detail::append_to_string, &out);
        return out;
    }
    std::optional<std::string> base64_decode(std::string_view text) const {
        std::string out;
        if (h_->base64_decode(h_->ctx, text.data(), text.size(), detail::append_to_string, &out) !=
            LATCHKEY_OK)
            return std::nullopt;
        return out;
    }
    std::string url_encode(const std::string& text) const {
        std::string out;
        h_->url_encode(h_->ctx, text.c_str(), detail::append_to_string, &out);
        return out;
    }
    // ---- ABI 1.1 services. Each throws (or degrades, where noted) on an older host.

    // True when the host offers the 1.1 services below.
    bool has_v1_1() const { return h_->struct_size >= LATCHKEY_HOST_V1_1_SIZE; }

    // Raw signature of `data` with the PEM private key in `key_file`; see latchkey_host.sign.
    std::string sign(const std::string& alg, const std::string& key_file,
                     const std::string& passphrase, std::string_view data) const {
        require_v1_1("signing");
        std::string out;
        char err[512] = {0};
        latchkey_status st = h_->sign(h_->ctx, alg.c_str(), key_file.c_str(),
                                      passphrase.empty() ? nullptr : passphrase.c_str(),
                                      reinterpret_cast<const unsigned char*>(data.data()),
                                      data.size(), detail::append_to_string, &out, err, sizeof err);
        if (st != LATCHKEY_OK) throw Error(st, err[0] ? err : "cannot sign with key " + key_file);
        return out;
    }

    // Per-site cache shared through the site's storage. Without a 1.1 host: always a miss.
    std::optional<std::string> cache_get(const std::string& name) const {
        if (!has_v1_1()) return std::nullopt;
        std::string out;
        if (h_->cache_get(h_->ctx, name.c_str(), detail::append_to_string, &out) == 0)
            return std::nullopt;
        return out;
    }
    void cache_put(const std::string& name, std::string_view value, int64_t expires_at_ms) const {
        if (has_v1_1())
            h_->cache_put(h_->ctx, name.c_str(), value.data(), value.size(), expires_at_ms);
    }

    // A self-replacing status line during login; falls back to nothing on a 1.0 host.
    void progress(const std::string& line) const {
        if (has_v1_1()) h_->progress(h_->ctx, line.c_str());
    }

    // Another site's current credential; throws that site's error.
    Current fetch_site(const std::string& name) const {
        require_v1_1("fetching another site");
        std::optional<Current> got;
        char err[1024] = {0};
        latchkey_status st =
            h_->fetch_site(h_->ctx, name.c_str(), detail::copy_credential, &got, err, sizeof err);
        if (st != LATCHKEY_OK || !got)
            throw Error(st == LATCHKEY_OK ? LATCHKEY_E_INTERNAL : st,
                        err[0] ? err : "site '" + name + "' gave no credential");
        return *got;
    }

    // ---- ABI 1.3 services. Each throws Error on an older host, and an Error
    // with the host's message when it fails.

    // True when the host offers the 1.3 services below.
    bool has_v1_3() const { return h_->struct_size >= LATCHKEY_HOST_V1_3_SIZE; }

    // `text` parsed by the host (RapidJSON, capped); see class Json below.
    // Malformed: Error(INTERNAL, "the answer is not JSON: ... at offset N").
    inline Json json(std::string_view text) const;
    // `text` as one JSON string literal, quotes included; JsonObject builds on it.
    std::string json_quote(std::string_view text) const {
        require_v1_3("the JSON writer");
        std::string out;
        latchkey_result* r = detail::current_result();
        check(h_->json_quote(h_->ctx, text.data(), text.size(), detail::append_to_string, &out, r),
              r, "text for a JSON string is not UTF-8");
        return out;
    }
    // An RFC 3339 date-time (or, with LATCHKEY_TIME_HTTP_DATE, an HTTP-date)
    // as Unix ms.
    int64_t parse_time(const std::string& text,
                       latchkey_time_format format = LATCHKEY_TIME_RFC3339) const {
        require_v1_3("time parsing");
        int64_t ms = 0;
        latchkey_result* r = detail::current_result();
        check(h_->time_parse(h_->ctx, text.c_str(), format, &ms, r), r, "not a time");
        return ms;
    }
    // Unix ms as RFC 3339 ("2026-12-07T10:00:00Z") or as an HTTP-date.
    std::string format_time(int64_t unix_ms,
                            latchkey_time_format format = LATCHKEY_TIME_RFC3339) const {
        require_v1_3("time formatting");
        std::string out;
        latchkey_result* r = detail::current_result();
        check(h_->time_format(h_->ctx, unix_ms, format, detail::append_to_string, &out, r), r,
              "not a time between 1970 and 9999");
        return out;
    }
    // A signed JWT, header.claims.signature, from JSON objects (JsonObject);
    // the host sets "alg" (and "typ") and encodes. See latchkey_host.sign_jwt.
    std::string sign_jwt(const std::string& alg, const std::string& key_file,
                         const std::string& passphrase, const std::string& header_json,
                         const std::string& claims_json) const {
        require_v1_3("sign_jwt");
        std::string out;
        latchkey_result* r = detail::current_result();
        check(h_->sign_jwt(h_->ctx, alg.c_str(), key_file.c_str(),
                           passphrase.empty() ? nullptr : passphrase.c_str(), header_json.c_str(),
                           claims_json.c_str(), detail::append_to_string, &out, r),
              r, "cannot sign with key " + key_file);
        return out;
    }
    // Throws the Error the host's table gives a non-2xx answer from `what`
    // (401/403 rejected, 404/422 config, 429/5xx transient with Retry-After;
    // docs/writing-providers.md). Decide first when you understand the body.
    void check_status(const HttpResponse& response, const std::string& what) const {
        require_v1_3("the HTTP status helper");
        auto it = response.headers.find("retry-after");
        int64_t wait = 0;
        latchkey_result* r = detail::current_result();
        latchkey_status st = h_->http_error(
            h_->ctx, response.status, it == response.headers.end() ? nullptr : it->second.c_str(),
            what.c_str(), &wait, r);
        if (st != LATCHKEY_OK)
            throw Error(st,
                        message_of(r, what + " answered HTTP " + std::to_string(response.status)),
                        wait);
    }
    // The host's message for a failure of `status` it wrote into `r`, or
    // `fallback` when there is none (outside a call, or an older host).
    std::string message_of(latchkey_result* r, const std::string& fallback) const {
        const char* m = r && has_v1_3() ? h_->result_message(r) : nullptr;
        return m && *m ? std::string(m) : fallback;
    }
    // Throws Error(st, the host's message) unless st is LATCHKEY_OK.
    void check(latchkey_status st, latchkey_result* r, const std::string& fallback) const {
        if (st != LATCHKEY_OK) throw Error(st, message_of(r, fallback));
    }

    // application/x-www-form-urlencoded body from ordered pairs.
    std::string form(const std::vector<std::pair<std::string, std::string>>& fields) const {
        std::string out;
        for (auto& [k, v] : fields) {
            if (!out.empty()) out += '&';
            out += url_encode(k) + '=' + url_encode(v);
        }
        return out;
    }

 private:
    void require_v1_1(const char* what) const {
        if (!has_v1_1())
            throw internal_error(std::string(what) + " needs a latchkey host with ABI 1.1");
    }
    void require_v1_3(const char* what) const {
        if (!has_v1_3())
            throw internal_error(std::string(what) + " needs a latchkey host with ABI 1.3");
    }

    const latchkey_host* h_;
};

// A JSON document parsed by the host, read by JSON Pointer (RFC 6901: "" is
// the document, "/access_token" a member, "/keys/0/kid" deeper). The
// optional readers give nullopt for a value that is absent or of another
// type; the require_ ones throw Error(INTERNAL) naming the pointer.
class Json {
 public:
    Json(const Host& host, latchkey_json* doc) : h_(host.raw()), doc_(doc) {}
    ~Json() {
        if (doc_) h_->json_release(h_->ctx, doc_);
    }
    Json(Json&& o) noexcept : h_(o.h_), doc_(o.doc_) { o.doc_ = nullptr; }
    Json(const Json&) = delete;
    Json& operator=(const Json&) = delete;
    Json& operator=(Json&&) = delete;

    latchkey_json_type type(const char* pointer) const {
        return h_->json_type(h_->ctx, doc_, pointer);
    }
    bool has(const char* pointer) const { return type(pointer) != LATCHKEY_JSON_ABSENT; }
    // Elements of an array, members of an object, else 0.
    size_t size(const char* pointer) const { return h_->json_size(h_->ctx, doc_, pointer); }

    std::optional<std::string> string(const char* pointer) const {
        if (type(pointer) != LATCHKEY_JSON_STRING) return std::nullopt;
        return require_string(pointer);
    }
    std::optional<double> number(const char* pointer) const {
        if (type(pointer) != LATCHKEY_JSON_NUMBER) return std::nullopt;
        return require_number(pointer);
    }
    // A number without a fraction that fits int64_t; nullopt for 3600.5 too.
    std::optional<int64_t> integer(const char* pointer) const {
        int64_t v = 0;
        if (type(pointer) != LATCHKEY_JSON_NUMBER ||
            h_->json_integer(h_->ctx, doc_, pointer, &v, nullptr) != LATCHKEY_OK)
            return std::nullopt;
        return v;
    }
    std::optional<bool> boolean(const char* pointer) const {
        if (type(pointer) != LATCHKEY_JSON_BOOL) return std::nullopt;
        return require_bool(pointer);
    }

    std::string require_string(const char* pointer) const {
        std::string out;
        latchkey_result* r = detail::current_result();
        host().check(h_->json_string(h_->ctx, doc_, pointer, detail::append_to_string, &out, r), r,
                     std::string("no string at ") + pointer);
        return out;
    }
    double require_number(const char* pointer) const {
        double v = 0;
        latchkey_result* r = detail::current_result();
        host().check(h_->json_number(h_->ctx, doc_, pointer, &v, r), r,
                     std::string("no number at ") + pointer);
        return v;
    }
    int64_t require_integer(const char* pointer) const {
        int64_t v = 0;
        latchkey_result* r = detail::current_result();
        host().check(h_->json_integer(h_->ctx, doc_, pointer, &v, r), r,
                     std::string("no integer at ") + pointer);
        return v;
    }
    bool require_bool(const char* pointer) const {
        int v = 0;
        latchkey_result* r = detail::current_result();
        host().check(h_->json_bool(h_->ctx, doc_, pointer, &v, r), r,
                     std::string("no boolean at ") + pointer);
        return v != 0;
    }
    // The name of member `index` of the object at `pointer`.
    std::string key(const char* pointer, size_t index) const {
        std::string out;
        latchkey_result* r = detail::current_result();
        host().check(h_->json_key(h_->ctx, doc_, pointer, index, detail::append_to_string, &out, r),
                     r, std::string("no object at ") + pointer);
        return out;
    }
    // The value at `pointer` as compact JSON text ("" for the whole document).
    std::string text(const char* pointer = "") const {
        std::string out;
        latchkey_result* r = detail::current_result();
        host().check(h_->json_text(h_->ctx, doc_, pointer, detail::append_to_string, &out, r), r,
                     std::string("nothing at ") + pointer);
        return out;
    }

 private:
    Host host() const { return Host(h_); }

    const latchkey_host* h_;
    latchkey_json* doc_;
};

inline Json Host::json(std::string_view text) const {
    require_v1_3("the JSON service");
    latchkey_json* doc = nullptr;
    latchkey_result* r = detail::current_result();
    check(h_->json_parse(h_->ctx, text.data(), text.size(), &doc, r), r, "the answer is not JSON");
    return Json(*this, doc);
}

// Builds one JSON object with the host's escaping (Host::json_quote):
//   JsonObject(host).add("iss", app_id).add("iat", now).done()
class JsonObject {
 public:
    explicit JsonObject(const Host& host) : host_(host) {}
    JsonObject& add(std::string_view key, std::string_view value) {
        return raw(key, host_.json_quote(value));
    }
    JsonObject& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    JsonObject& add(std::string_view key, const std::string& value) {
        return add(key, std::string_view(value));
    }
    JsonObject& add(std::string_view key, int64_t value) { return raw(key, std::to_string(value)); }
    JsonObject& add(std::string_view key, int value) { return add(key, int64_t{value}); }
    JsonObject& add(std::string_view key, bool value) { return raw(key, value ? "true" : "false"); }
    JsonObject& add(std::string_view key, const std::vector<std::string>& values) {
        std::string list = "[";
        for (const auto& v : values) list += (list.size() > 1 ? "," : "") + host_.json_quote(v);
        return raw(key, list + "]");
    }
    // `json` is JSON already (a nested JsonObject's done(), say).
    JsonObject& raw(std::string_view key, const std::string& json) {
        body_ += (body_.empty() ? "" : ",") + host_.json_quote(key) + ":" + json;
        return *this;
    }
    std::string done() const { return "{" + body_ + "}"; }

 private:
    Host host_;
    std::string body_;
};

namespace detail {

template <class P, class = void>
struct has_refresh : std::false_type {};
template <class P>
struct has_refresh<
    P, std::void_t<decltype(std::declval<P&>().refresh(std::declval<const Current&>()))>>
    : std::true_type {};

template <class P, class = void>
struct has_expired : std::false_type {};
template <class P>
struct has_expired<
    P, std::void_t<decltype(std::declval<P&>().expired(std::declval<const Current&>(), int64_t{}))>>
    : std::true_type {};

template <class P, class = void>
struct has_revoke : std::false_type {};
template <class P>
struct has_revoke<P,
                  std::void_t<decltype(std::declval<P&>().revoke(std::declval<const Current&>()))>>
    : std::true_type {};

template <class P, class = void>
struct has_whoami : std::false_type {};
template <class P>
struct has_whoami<P,
                  std::void_t<decltype(std::declval<P&>().whoami(std::declval<const Current&>()))>>
    : std::true_type {};

template <class P>
struct Instance {
    Host host;
    P provider;
    explicit Instance(const latchkey_host* h) : host(h), provider(host) {}
};

inline latchkey_status fail(const latchkey_host* h, latchkey_result* r, latchkey_status st,
                            const char* message) {
    return h->result_error(r, st, message);
}

inline latchkey_status publish(const latchkey_host* h, latchkey_result* r, const Credential& c) {
    if (c.token.empty()) return fail(h, r, LATCHKEY_E_INTERNAL, "provider returned an empty token");
    h->result_token(r, c.token.c_str());
    h->result_token_type(r, c.token_type.c_str());
    if (!c.header_name.empty()) h->result_header_name(r, c.header_name.c_str());
    if (c.expires_at_ms) h->result_expires_at(r, c.expires_at_ms);
    if (!c.refresh_token.empty()) h->result_refresh_token(r, c.refresh_token.c_str());
    for (auto& [k, v] : c.extras) h->result_extra(r, k.c_str(), v.c_str());
    const bool typed = h->struct_size >= LATCHKEY_HOST_V1_3_SIZE;
    for (auto& [k, v] : c.json_extras) {
        if (!typed) {
            h->result_extra(r, k.c_str(), v.c_str());
            continue;
        }
        latchkey_status st = h->result_extra_json(r, k.c_str(), v.data(), v.size());
        if (st != LATCHKEY_OK) return st;  // with the host's message
    }
    return LATCHKEY_OK;
}

// Runs `fn`, turning every exception into a status and a message.
template <class Fn>
latchkey_status guarded(const latchkey_host* h, latchkey_result* r, Fn&& fn) {
    CurrentResult current(r);
    try {
        return fn();
    } catch (const Error& e) {
        if (e.retry_after_ms() > 0) h->result_retry_after(r, e.retry_after_ms());
        return fail(h, r, e.status(), e.what());
    } catch (const std::exception& e) {
        return fail(h, r, LATCHKEY_E_INTERNAL, e.what());
    } catch (...) {
        return fail(h, r, LATCHKEY_E_INTERNAL, "unknown error in provider");
    }
}

template <class P>
struct Adapter {
    static latchkey_status create(const latchkey_host* h, void** out, latchkey_result* r) {
        return guarded(h, r, [&] {
            *out = new Instance<P>(h);
            return LATCHKEY_OK;
        });
    }
    static latchkey_status acquire(void* inst, latchkey_result* r) {
        auto* self = static_cast<Instance<P>*>(inst);
        const latchkey_host* h = self->host.raw();
        return guarded(h, r, [&] { return publish(h, r, self->provider.acquire()); });
    }
    static latchkey_status refresh(void* inst, const latchkey_credential* cur, latchkey_result* r) {
        auto* self = static_cast<Instance<P>*>(inst);
        const latchkey_host* h = self->host.raw();
        if constexpr (has_refresh<P>::value) {
            return guarded(
                h, r, [&] { return publish(h, r, self->provider.refresh(Current::from(*cur))); });
        } else {
            (void)cur;
            return fail(h, r, LATCHKEY_E_INTERNAL, "refresh not supported");
        }
    }
    static int expired(void* inst, const latchkey_credential* cur, int64_t now_ms) {
        auto* self = static_cast<Instance<P>*>(inst);
        if constexpr (has_expired<P>::value) {
            try {
                return self->provider.expired(Current::from(*cur), now_ms) ? 1 : 0;
            } catch (...) {
                return 1;  // when in doubt, get a new one
            }
        } else {
            (void)self, (void)cur, (void)now_ms;
            return 1;
        }
    }
    static void destroy(void* inst) { delete static_cast<Instance<P>*>(inst); }
    static latchkey_status revoke(void* inst, const latchkey_credential* cur, latchkey_result* r) {
        auto* self = static_cast<Instance<P>*>(inst);
        const latchkey_host* h = self->host.raw();
        if constexpr (has_revoke<P>::value) {
            return guarded(h, r, [&] {
                self->provider.revoke(Current::from(*cur));
                return LATCHKEY_OK;
            });
        } else {
            (void)cur;
            return fail(h, r, LATCHKEY_E_INTERNAL, "revocation not supported");
        }
    }
    static latchkey_status whoami(void* inst, const latchkey_credential* cur, latchkey_sink sink,
                                  void* user, latchkey_result* r) {
        auto* self = static_cast<Instance<P>*>(inst);
        const latchkey_host* h = self->host.raw();
        if constexpr (has_whoami<P>::value) {
            return guarded(h, r, [&] {
                const std::string json = self->provider.whoami(Current::from(*cur));
                sink(user, json.data(), json.size());
                return LATCHKEY_OK;
            });
        } else {
            (void)cur, (void)sink, (void)user;
            return fail(h, r, LATCHKEY_E_INTERNAL, "whoami not supported");
        }
    }

    static latchkey_provider descriptor(const char* name, const char* version,
                                        const char* description, const latchkey_option* options) {
        latchkey_provider d{};
        d.struct_size = sizeof d;
        d.abi_major = LATCHKEY_ABI_MAJOR;
        d.abi_minor = LATCHKEY_ABI_MINOR;
        d.name = name;
        d.version = version;
        d.description = description;
        d.options = options;
        d.create = &create;
        d.acquire = &acquire;
        d.refresh = has_refresh<P>::value ? &refresh : nullptr;
        d.expired = has_expired<P>::value ? &expired : nullptr;
        d.destroy = &destroy;
        d.revoke = has_revoke<P>::value ? &revoke : nullptr;
        d.whoami = has_whoami<P>::value ? &whoami : nullptr;
        return d;
    }
};

}  // namespace detail
}  // namespace latchkey::sdk

// Exports the entry point for provider class CLASS.
#define LATCHKEY_PROVIDER(CLASS, NAME, VERSION, DESCRIPTION, OPTIONS)                       \
    LATCHKEY_DETAIL_PRIVATE_RUNTIME_CLEANUP                                                 \
    extern "C" LATCHKEY_EXPORT const latchkey_provider* latchkey_provider_v1(void) {        \
        static const latchkey_provider descriptor =                                         \
            ::latchkey::sdk::detail::Adapter<CLASS>::descriptor(NAME, VERSION, DESCRIPTION, \
                                                                OPTIONS);                   \
        return &descriptor;                                                                 \
    }

// Define LATCHKEY_PRIVATE_CXX_RUNTIME when the plugin links the C++ runtime
// into itself (-static-libstdc++, as the built-in providers and
// sdk/template do). That runtime sets aside an emergency exception buffer
// (about 70 KiB) when the plugin is loaded and never gives it back; the
// plugin then frees it when it is unloaded, so a host that loads and unloads
// it again and again does not grow.
#if defined(LATCHKEY_PRIVATE_CXX_RUNTIME) && defined(__GLIBCXX__)
namespace __gnu_cxx {
void __freeres();  // libstdc++'s, declared in none of its headers
}
#define LATCHKEY_DETAIL_PRIVATE_RUNTIME_CLEANUP                               \
    __attribute__((destructor)) static void latchkey_free_private_runtime() { \
        __gnu_cxx::__freeres();                                               \
    }
#else
#define LATCHKEY_DETAIL_PRIVATE_RUNTIME_CLEANUP
#endif

#endif  // LATCHKEY_PROVIDER_HPP
