#include "fake_host.hpp"

#include <strings.h>

#include <cstdio>
#include <cstring>

#include "abi/kit_services.hpp"
#include "crypto/primitives.hpp"

namespace latchkey::fuzz {

namespace {

FakeHost& self(void* ctx) { return *static_cast<FakeHost*>(ctx); }
ProviderResult& out(latchkey_result* r) { return *reinterpret_cast<ProviderResult*>(r); }

// One answer as the provider holds it until http_release.
struct Response {
    long status;
    std::string body;
    std::map<std::string, std::string> headers;
};
Response& resp(const latchkey_http_response* r) {
    return *reinterpret_cast<Response*>(const_cast<latchkey_http_response*>(r));
}

void send(latchkey_sink sink, void* user, const std::string& s) { sink(user, s.data(), s.size()); }

// A host service's failure message, as the host keeps it (provider.h, "Errors").
void note(latchkey_result* r, const std::string& message) { out(r).message = message; }
void retry_after(latchkey_result*, int64_t) {}

}  // namespace

FakeHost::FakeHost() {
    latchkey_host& t = table_;
    t.struct_size = sizeof t;
    t.abi_major = LATCHKEY_ABI_MAJOR;
    t.abi_minor = LATCHKEY_ABI_MINOR;
    t.ctx = this;
    t.option = [](void* ctx, const char* key) -> const char* {
        auto& o = self(ctx).options;
        auto it = o.find(key);
        return it == o.end() ? nullptr : it->second.c_str();
    };
    t.option_list_size = [](void* ctx, const char* key) -> size_t {
        auto& l = self(ctx).lists;
        auto it = l.find(key);
        return it == l.end() ? 0 : it->second.size();
    };
    t.option_list_item = [](void* ctx, const char* key, size_t i) -> const char* {
        return self(ctx).lists.at(key).at(i).c_str();
    };
    t.site_name = [](void*) -> const char* { return "fuzz"; };
    t.http = [](void* ctx, const latchkey_http_request*, latchkey_http_response** r, char*,
                size_t) {
        FakeHost& h = self(ctx);
        *r = reinterpret_cast<latchkey_http_response*>(new Response{h.status, h.body, h.headers});
        return LATCHKEY_OK;
    };
    t.http_status = [](void*, const latchkey_http_response* r) { return resp(r).status; };
    t.http_body = [](void*, const latchkey_http_response* r, size_t* len) -> const char* {
        *len = resp(r).body.size();
        return resp(r).body.data();
    };
    t.http_header = [](void*, const latchkey_http_response* r, const char* name) -> const char* {
        for (auto& [k, v] : resp(r).headers)
            if (strcasecmp(k.c_str(), name) == 0) return v.c_str();
        return nullptr;
    };
    t.http_release = [](void*, latchkey_http_response* r) { delete &resp(r); };
    t.log = [](void*, latchkey_log_level, const char*) {};
    t.add_secret = [](void*, const char*) {};
    t.interactive = [](void*) { return 0; };
    t.notice = [](void*, const char*) {};
    t.prompt = [](void*, const char*, int, latchkey_sink, void*) {
        return LATCHKEY_E_INTERACTION_REQUIRED;
    };
    t.open_url = [](void*, const char*) { return 1; };
    t.now_ms = [](void* ctx) { return self(ctx).now_ms; };
    t.sleep_ms = [](void*, int64_t) { return 0; };
    t.random_bytes = [](void*, unsigned char* buf, size_t len) {
        std::memset(buf, 0x5a, len);  // reproducible runs
        return LATCHKEY_OK;
    };
    t.base64_encode = [](void*, const unsigned char* data, size_t len, int url_safe,
                         latchkey_sink sink, void* user) {
        send(sink, user,
             crypto::base64_encode({reinterpret_cast<const char*>(data), len}, url_safe != 0));
    };
    t.base64_decode = [](void*, const char* text, size_t len, latchkey_sink sink, void* user) {
        auto v = crypto::base64_decode({text, len});
        if (!v) return LATCHKEY_E_INTERNAL;
        send(sink, user, *v);
        return LATCHKEY_OK;
    };
    // The fake server never reads a request, so its encoding does not matter.
    t.url_encode = [](void*, const char* text, latchkey_sink sink, void* user) {
        sink(user, text, std::strlen(text));
    };
    t.result_token = [](latchkey_result* r, const char* v) { out(r).credential.token = v; };
    t.result_token_type = [](latchkey_result* r, const char* v) {
        out(r).credential.token_type = v;
    };
    t.result_header_name = [](latchkey_result* r, const char* v) {
        out(r).credential.header_name = v;
    };
    t.result_expires_at = [](latchkey_result* r, int64_t ms) {
        out(r).credential.expires_at_ms = ms;
    };
    t.result_refresh_token = [](latchkey_result* r, const char* v) {
        out(r).credential.refresh_token = v;
    };
    t.result_extra = [](latchkey_result* r, const char* k, const char* v) {
        out(r).credential.extras[k] = v;
    };
    t.result_error = [](latchkey_result* r, latchkey_status st, const char* message) {
        out(r).status = st;
        out(r).message = message;
        return st;
    };
    t.result_retry_after = [](latchkey_result*, int64_t) {};
    t.sign = [](void*, const char*, const char*, const char*, const unsigned char*, size_t,
                latchkey_sink, void*, char* error, size_t error_len) {
        std::snprintf(error, error_len, "no signing key in a fuzz run");
        return LATCHKEY_E_CONFIG;
    };
    t.cache_get = [](void*, const char*, latchkey_sink, void*) { return 0; };
    t.cache_put = [](void*, const char*, const char*, size_t, int64_t) {};
    t.progress = [](void*, const char*) {};
    t.fetch_site = [](void* ctx, const char*, latchkey_credential_sink sink, void* user,
                      char* error, size_t error_len) {
        FakeHost& h = self(ctx);
        if (!h.other_site) {
            std::snprintf(error, error_len, "no other site in a fuzz run");
            return LATCHKEY_E_CONFIG;
        }
        const sdk::Current& c = *h.other_site;
        latchkey_credential view{};
        view.struct_size = sizeof view;
        view.token = c.token.c_str();
        view.token_type = c.token_type.c_str();
        view.expires_at_ms = c.expires_at_ms;
        view.header_name = c.header_name.c_str();
        sink(user, &view);
        return LATCHKEY_OK;
    };
    // ABI 1.3: the host's own JSON, time and HTTP-status services.
    t.result_message = [](latchkey_result* r) { return out(r).message.c_str(); };
    abi::install_kit_services<note, retry_after>(t);
    t.sign_jwt = [](void*, const char*, const char*, const char*, const char*, const char*,
                    latchkey_sink, void*, latchkey_result* r) {
        if (r) note(r, "no signing key in a fuzz run");
        return LATCHKEY_E_CONFIG;
    };
    t.result_extra_json = [](latchkey_result* r, const char* k, const char* json, size_t len) {
        std::string why;
        auto compact = abi::compact_json(std::string_view(json, len), why);
        if (!compact) {
            note(r, why);
            return LATCHKEY_E_INTERNAL;
        }
        out(r).credential.json_extras[k] = *compact;
        return LATCHKEY_OK;
    };
}

}  // namespace latchkey::fuzz
