// The ABI 1.3 host services that read outside input, through the table a
// provider gets (the host's own code, installed as provider_instance.cpp
// does): json_parse and every JSON Pointer read, json_quote, time_parse in
// both formats, and the HTTP-status helper's Retry-After. Malformed input is
// an error result, never a crash.
#include <string>

#include "support/fake_host.hpp"

namespace {

void append(void* user, const char* data, size_t len) {
    static_cast<std::string*>(user)->append(data, len);
}

// Reads everything at `pointer` and, for containers, a few levels below it.
void walk(const latchkey_host* h, latchkey_result* r, const latchkey_json* doc,
          const std::string& pointer, int depth) {
    std::string out;
    double d;
    int64_t i;
    int b;
    latchkey_json_type type = h->json_type(h->ctx, doc, pointer.c_str());
    h->json_string(h->ctx, doc, pointer.c_str(), append, &out, r);
    h->json_number(h->ctx, doc, pointer.c_str(), &d, r);
    h->json_integer(h->ctx, doc, pointer.c_str(), &i, r);
    h->json_bool(h->ctx, doc, pointer.c_str(), &b, r);
    h->json_text(h->ctx, doc, pointer.c_str(), append, &out, r);
    size_t n = h->json_size(h->ctx, doc, pointer.c_str());
    if (depth >= 3) return;
    for (size_t k = 0; k < n && k < 4; ++k) {
        if (type == LATCHKEY_JSON_ARRAY) {
            walk(h, r, doc, pointer + "/" + std::to_string(k), depth + 1);
        } else {
            std::string key;
            if (h->json_key(h->ctx, doc, pointer.c_str(), k, append, &key, r) != LATCHKEY_OK)
                continue;
            // RFC 6901 escapes: ~ as ~0, / as ~1.
            std::string escaped;
            for (char c : key) escaped += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
            walk(h, r, doc, pointer + "/" + escaped, depth + 1);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static latchkey::fuzz::FakeHost host;
    const latchkey_host* h = host.raw();
    latchkey_result* r = host.result();
    const char* text = reinterpret_cast<const char*>(data);

    latchkey_json* doc = nullptr;
    if (h->json_parse(h->ctx, text, size, &doc, r) == LATCHKEY_OK) {
        walk(h, r, doc, "", 0);
        h->json_release(h->ctx, doc);
    } else if (doc != nullptr || host.outcome.message.empty()) {
        __builtin_trap();  // a failure must leave no document and say why
    }

    std::string out;
    h->json_quote(h->ctx, text, size, append, &out, r);
    const std::string line(text, size);  // C strings below: stops at a NUL
    int64_t ms = 0;
    h->time_parse(h->ctx, line.c_str(), LATCHKEY_TIME_RFC3339, &ms, r);
    h->time_parse(h->ctx, line.c_str(), LATCHKEY_TIME_HTTP_DATE, &ms, r);
    h->http_error(h->ctx, 503, line.c_str(), "fuzz", &ms, r);
    h->json_parse(h->ctx, line.c_str(), line.size(), &doc, r) == LATCHKEY_OK
        ? h->json_release(h->ctx, doc)
        : void();
    return 0;
}
