// The one way latchkey parses a JSON document it did not write itself: a token
// endpoint's answer, a JWT's claims, an exec program's output, discovery and
// userinfo documents, a stored credential. Both the providers and the host
// (storage, the CLI) include this header, so every reader gets the same caps.
//
// RapidJSON's default parser recurses once per nesting level, and so do
// Accept (every Writer), CopyFrom and comparisons: ~250 000 levels of `[`
// overflow the stack. Here the parser is iterative (kParseIterativeFlag, its
// stack on the heap) and a nesting depth past the cap ends the parse, so a
// document that reaches the caller is shallow enough for every recursive
// walk afterwards. The size cap bounds the work and the memory.
//
// A string holding U+0000 is refused too: every reader hands strings on as C
// strings (GetString(), the ABI's const char*), where `\u0000` would silently
// cut a token short.
#ifndef LATCHKEY_COMMON_BOUNDED_JSON_HPP
#define LATCHKEY_COMMON_BOUNDED_JSON_HPP

#include <rapidjson/document.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace latchkey::common {

// Far deeper than any real credential, claim set or metadata document (they
// nest three or four levels), far shallower than what overflows a stack.
inline constexpr unsigned kJsonMaxDepth = 64;
// The host's cap on an HTTP answer; a stored credential is a few kilobytes.
inline constexpr size_t kJsonMaxBytes = size_t{1} << 20;

struct JsonLimits {
    size_t max_bytes = kJsonMaxBytes;
    unsigned max_depth = kJsonMaxDepth;
    // Off only where strings are relayed as (pointer, length) and never as C
    // strings: the isolation frames carry HTTP bodies, which may hold NULs.
    bool refuse_nul = true;
};

// Why a document was refused. `what` never quotes the document (it may hold
// a secret) and has no final period; `offset` is the byte where it went wrong.
struct JsonProblem {
    std::string what;
    size_t offset = 0;
    // "what at offset N", for messages.
    std::string describe() const { return what + " at offset " + std::to_string(offset); }
};

namespace bounded_json_detail {

// Forwards SAX events to the document being built, counting the depth and
// refusing NULs inside strings and names.
template <class Target>
class Guard {
 public:
    Guard(Target& target, unsigned max_depth, bool refuse_nul)
        : target_(target), max_depth_(max_depth), refuse_nul_(refuse_nul) {}

    bool Null() { return target_.Null(); }
    bool Bool(bool b) { return target_.Bool(b); }
    bool Int(int i) { return target_.Int(i); }
    bool Uint(unsigned i) { return target_.Uint(i); }
    bool Int64(int64_t i) { return target_.Int64(i); }
    bool Uint64(uint64_t i) { return target_.Uint64(i); }
    bool Double(double d) { return target_.Double(d); }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
        return target_.RawNumber(s, n, copy);
    }
    bool String(const char* s, rapidjson::SizeType n, bool copy) {
        return no_nul(s, n) && target_.String(s, n, copy);
    }
    bool Key(const char* s, rapidjson::SizeType n, bool copy) {
        return no_nul(s, n) && target_.Key(s, n, copy);
    }
    bool StartObject() { return deeper() && target_.StartObject(); }
    bool EndObject(rapidjson::SizeType members) {
        --depth_;
        return target_.EndObject(members);
    }
    bool StartArray() { return deeper() && target_.StartArray(); }
    bool EndArray(rapidjson::SizeType elements) {
        --depth_;
        return target_.EndArray(elements);
    }

    bool too_deep = false;
    bool nul = false;

 private:
    bool deeper() {
        if (++depth_ <= max_depth_) return true;
        too_deep = true;
        return false;
    }
    bool no_nul(const char* s, rapidjson::SizeType n) {
        if (refuse_nul_ && n && std::memchr(s, '\0', n)) nul = true;
        return !nul;
    }

    Target& target_;
    unsigned max_depth_;
    bool refuse_nul_;
    unsigned depth_ = 0;
};

}  // namespace bounded_json_detail

// Parses `text` into `doc` within `limits`. Returns nullopt when `doc` now
// holds the document, else what was wrong (and `doc` is null). Never
// recurses per nesting level, never reads past `text`.
[[nodiscard]] inline std::optional<JsonProblem> parse_bounded_json(rapidjson::Document& doc,
                                                                   std::string_view text,
                                                                   const JsonLimits& limits = {}) {
    doc.SetNull();
    if (text.size() > limits.max_bytes)
        return JsonProblem{"the document is " + std::to_string(text.size()) +
                               " bytes, more than the " + std::to_string(limits.max_bytes) +
                               " allowed",
                           limits.max_bytes};
    rapidjson::MemoryStream bytes(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
    rapidjson::Reader reader;
    rapidjson::ParseResult result;
    bool too_deep = false, nul = false;
    auto generate = [&](rapidjson::Document& target) {
        bounded_json_detail::Guard<rapidjson::Document> guard(target, limits.max_depth,
                                                                limits.refuse_nul);
        result = reader.Parse<rapidjson::kParseIterativeFlag>(in, guard);
        too_deep = guard.too_deep;
        nul = guard.nul;
        return !result.IsError();
    };
    doc.Populate(generate);
    if (!result.IsError()) return std::nullopt;
    doc.SetNull();
    if (too_deep)
        return JsonProblem{"nested deeper than " + std::to_string(limits.max_depth) + " levels",
                           result.Offset()};
    if (nul) return JsonProblem{"a string holds a NUL character (\\u0000)", result.Offset()};
    std::string what = rapidjson::GetParseError_En(result.Code());
    if (!what.empty() && what.back() == '.') what.pop_back();
    return JsonProblem{what, result.Offset()};
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_BOUNDED_JSON_HPP
