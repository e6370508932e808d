// The ABI 1.3 host services that need nothing of the site or the instance:
// JSON, time and the HTTP-status helper. Installed into a latchkey_host by
// install_kit_services<Note>, where `Note(result, message)` records a
// service's failure message in the caller's result type without failing the
// call (the provider decides: see "Errors" in provider.h). The host's
// provider instances and the fuzz targets' fake host install the same code.
#pragma once

#include <latchkey/provider.h>

#include <memory>
#include <string>
#include <string_view>

#include "abi/http_answer.hpp"
#include "abi/json_document.hpp"
#include "abi/shield.hpp"
#include "credential/credential_check.hpp"
#include "util/clock.hpp"
#include "util/timestamps.hpp"

struct latchkey_json {
    std::unique_ptr<latchkey::abi::JsonDocument> doc;
};

namespace latchkey::abi {

template <void (*Note)(latchkey_result*, const std::string&),
          void (*RetryAfter)(latchkey_result*, int64_t)>
struct KitServices {
    static latchkey_status fail(latchkey_result* r, latchkey_status st, const std::string& why) {
        if (r) Note(r, why);
        return st;
    }
    static void send(latchkey_sink sink, void* user, const std::string& s) {
        sink(user, s.data(), s.size());
    }

    static latchkey_status json_parse(void*, const char* text, size_t len, latchkey_json** out,
                                      latchkey_result* r) {
        if (!out || (!text && len))
            return fail(r, LATCHKEY_E_INTERNAL, "json_parse: no text or no place for the result");
        *out = nullptr;
        std::string why;
        auto doc = JsonDocument::parse(std::string_view(text ? text : "", len), why);
        if (!doc) return fail(r, LATCHKEY_E_INTERNAL, why);
        *out = new latchkey_json{std::move(doc)};
        return LATCHKEY_OK;
    }
    static void json_release(void*, latchkey_json* doc) { delete doc; }
    static latchkey_json_type json_type(void*, const latchkey_json* doc, const char* pointer) {
        return doc ? doc->doc->type(pointer) : LATCHKEY_JSON_ABSENT;
    }
    static size_t json_size(void*, const latchkey_json* doc, const char* pointer) {
        return doc ? doc->doc->size(pointer) : 0;
    }

    // Runs a typed read: its value goes to `put`, its failure to the result.
    template <class Read, class Put>
    static latchkey_status read(const latchkey_json* doc, latchkey_result* r, Read&& read_value,
                                Put&& put) {
        if (!doc) return fail(r, LATCHKEY_E_INTERNAL, "no JSON document");
        std::string why;
        auto v = read_value(*doc->doc, why);
        if (!v) return fail(r, LATCHKEY_E_INTERNAL, why);
        put(*v);
        return LATCHKEY_OK;
    }
    static latchkey_status json_string(void*, const latchkey_json* doc, const char* pointer,
                                       latchkey_sink sink, void* user, latchkey_result* r) {
        if (!sink) return fail(r, LATCHKEY_E_INTERNAL, "json_string: no sink");
        return read(
            doc, r, [&](const JsonDocument& d, std::string& why) { return d.string(pointer, why); },
            [&](const std::string& v) { send(sink, user, v); });
    }
    static latchkey_status json_number(void*, const latchkey_json* doc, const char* pointer,
                                       double* out, latchkey_result* r) {
        if (!out) return fail(r, LATCHKEY_E_INTERNAL, "json_number: no place for the result");
        return read(
            doc, r, [&](const JsonDocument& d, std::string& why) { return d.number(pointer, why); },
            [&](double v) { *out = v; });
    }
    static latchkey_status json_integer(void*, const latchkey_json* doc, const char* pointer,
                                        int64_t* out, latchkey_result* r) {
        if (!out) return fail(r, LATCHKEY_E_INTERNAL, "json_integer: no place for the result");
        return read(
            doc, r,
            [&](const JsonDocument& d, std::string& why) { return d.integer(pointer, why); },
            [&](int64_t v) { *out = v; });
    }
    static latchkey_status json_bool(void*, const latchkey_json* doc, const char* pointer, int* out,
                                     latchkey_result* r) {
        if (!out) return fail(r, LATCHKEY_E_INTERNAL, "json_bool: no place for the result");
        return read(
            doc, r,
            [&](const JsonDocument& d, std::string& why) { return d.boolean(pointer, why); },
            [&](bool v) { *out = v ? 1 : 0; });
    }
    static latchkey_status json_key(void*, const latchkey_json* doc, const char* pointer,
                                    size_t index, latchkey_sink sink, void* user,
                                    latchkey_result* r) {
        if (!sink) return fail(r, LATCHKEY_E_INTERNAL, "json_key: no sink");
        return read(
            doc, r,
            [&](const JsonDocument& d, std::string& why) { return d.key(pointer, index, why); },
            [&](const std::string& v) { send(sink, user, v); });
    }
    static latchkey_status json_text(void*, const latchkey_json* doc, const char* pointer,
                                     latchkey_sink sink, void* user, latchkey_result* r) {
        if (!sink) return fail(r, LATCHKEY_E_INTERNAL, "json_text: no sink");
        return read(
            doc, r, [&](const JsonDocument& d, std::string& why) { return d.text(pointer, why); },
            [&](const std::string& v) { send(sink, user, v); });
    }
    static latchkey_status json_quote(void*, const char* text, size_t len, latchkey_sink sink,
                                      void* user, latchkey_result* r) {
        if (!sink || (!text && len)) return fail(r, LATCHKEY_E_INTERNAL, "json_quote: no text");
        auto quoted = abi::json_quote(std::string_view(text ? text : "", len));
        if (!quoted) return fail(r, LATCHKEY_E_INTERNAL, "text for a JSON string is not UTF-8");
        send(sink, user, *quoted);
        return LATCHKEY_OK;
    }

    static latchkey_status time_parse(void*, const char* text, latchkey_time_format format,
                                      int64_t* unix_ms, latchkey_result* r) {
        if (!text || !unix_ms) return fail(r, LATCHKEY_E_INTERNAL, "time_parse: no text");
        const bool rfc3339 = format == LATCHKEY_TIME_RFC3339;
        if (!rfc3339 && format != LATCHKEY_TIME_HTTP_DATE)
            return fail(r, LATCHKEY_E_INTERNAL, "time_parse: unknown format");
        auto ms = rfc3339 ? util::parse_rfc3339_ms(text) : util::parse_http_date_ms(text);
        if (!ms || *ms < 0 || *ms > credential::kLatestTimeMs)
            return fail(r, LATCHKEY_E_INTERNAL,
                        std::string("the answer's time is not ") +
                            (rfc3339 ? "an RFC 3339 date-time" : "an HTTP-date") +
                            " between 1970 and 9999");
        *unix_ms = *ms;
        return LATCHKEY_OK;
    }
    static latchkey_status time_format(void*, int64_t unix_ms, latchkey_time_format format,
                                       latchkey_sink sink, void* user, latchkey_result* r) {
        if (!sink) return fail(r, LATCHKEY_E_INTERNAL, "time_format: no sink");
        auto text = format == LATCHKEY_TIME_RFC3339     ? util::format_rfc3339(unix_ms)
                    : format == LATCHKEY_TIME_HTTP_DATE ? util::format_http_date(unix_ms)
                                                        : std::nullopt;
        if (!text)
            return fail(r, LATCHKEY_E_INTERNAL,
                        std::to_string(unix_ms) +
                            " ms is not a time between 1970 and 9999 (or the format is unknown)");
        send(sink, user, *text);
        return LATCHKEY_OK;
    }

    static latchkey_status http_error(void*, long status, const char* retry_after, const char* what,
                                      int64_t* retry_after_ms, latchkey_result* r) {
        HttpVerdict v =
            http_verdict(status, retry_after, what && *what ? what : "the server", util::now_ms());
        if (retry_after_ms) *retry_after_ms = v.retry_after_ms;
        if (v.status == LATCHKEY_OK) return LATCHKEY_OK;
        if (r && v.retry_after_ms > 0) RetryAfter(r, v.retry_after_ms);
        return fail(r, v.status, v.message);
    }
};

// Fills the entries above into `t`, each shielded (shield.hpp).
template <void (*Note)(latchkey_result*, const std::string&),
          void (*RetryAfter)(latchkey_result*, int64_t)>
void install_kit_services(latchkey_host& t) {
    using K = KitServices<Note, RetryAfter>;
    t.json_parse = shielded<K::json_parse>;
    t.json_release = shielded<K::json_release>;
    t.json_type = shielded<K::json_type>;
    t.json_size = shielded<K::json_size>;
    t.json_string = shielded<K::json_string>;
    t.json_number = shielded<K::json_number>;
    t.json_integer = shielded<K::json_integer>;
    t.json_bool = shielded<K::json_bool>;
    t.json_key = shielded<K::json_key>;
    t.json_text = shielded<K::json_text>;
    t.json_quote = shielded<K::json_quote>;
    t.time_parse = shielded<K::time_parse>;
    t.time_format = shielded<K::time_format>;
    t.http_error = shielded<K::http_error>;
}

}  // namespace latchkey::abi
