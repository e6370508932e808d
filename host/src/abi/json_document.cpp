#include "abi/json_document.hpp"

#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>

#include "util/printable.hpp"

namespace latchkey::abi {

namespace {

latchkey_json_type type_of(const rapidjson::Value& v) {
    switch (v.GetType()) {
        case rapidjson::kNullType:
            return LATCHKEY_JSON_NULL;
        case rapidjson::kFalseType:
        case rapidjson::kTrueType:
            return LATCHKEY_JSON_BOOL;
        case rapidjson::kNumberType:
            return LATCHKEY_JSON_NUMBER;
        case rapidjson::kStringType:
            return LATCHKEY_JSON_STRING;
        case rapidjson::kArrayType:
            return LATCHKEY_JSON_ARRAY;
        case rapidjson::kObjectType:
            return LATCHKEY_JSON_OBJECT;
    }
    return LATCHKEY_JSON_ABSENT;
}

// A pointer as messages show it: printable, and short (it is the provider's,
// not the server's, but a provider may build it from a server's key).
std::string shown(const char* pointer) {
    std::string_view p = pointer ? pointer : "";
    if (p.size() > 80) return "'" + util::printable(p.substr(0, 80)) + "...'";
    return "'" + util::printable(p) + "'";
}

}  // namespace

const char* json_type_name(latchkey_json_type type) {
    switch (type) {
        case LATCHKEY_JSON_NULL:
            return "null";
        case LATCHKEY_JSON_BOOL:
            return "a boolean";
        case LATCHKEY_JSON_NUMBER:
            return "a number";
        case LATCHKEY_JSON_STRING:
            return "a string";
        case LATCHKEY_JSON_ARRAY:
            return "an array";
        case LATCHKEY_JSON_OBJECT:
            return "an object";
        case LATCHKEY_JSON_ABSENT:
            break;
    }
    return "nothing";
}

std::unique_ptr<JsonDocument> JsonDocument::parse(std::string_view text, std::string& why) {
    auto out = std::make_unique<JsonDocument>();
    if (auto problem = common::parse_bounded_json(out->doc_, text)) {
        why = "the answer is not JSON: " + problem->describe();
        return nullptr;
    }
    return out;
}

const rapidjson::Value* JsonDocument::find(const char* pointer) const {
    if (!pointer) return nullptr;
    if (!*pointer) return &doc_;
    rapidjson::Pointer p(pointer);
    if (!p.IsValid()) return nullptr;
    return p.Get(doc_);
}

const rapidjson::Value* JsonDocument::expect(const char* pointer, latchkey_json_type want,
                                             std::string& why) const {
    const rapidjson::Value* v = find(pointer);
    latchkey_json_type got = v ? type_of(*v) : LATCHKEY_JSON_ABSENT;
    if (got == want) return v;
    if (pointer && *pointer && !rapidjson::Pointer(pointer).IsValid())
        why = shown(pointer) + " is not a JSON Pointer (RFC 6901: \"\" or \"/name/0\")";
    else
        why = "the answer has " + std::string(json_type_name(got)) + " at " + shown(pointer) +
              ", not " + json_type_name(want);
    return nullptr;
}

latchkey_json_type JsonDocument::type(const char* pointer) const {
    const rapidjson::Value* v = find(pointer);
    return v ? type_of(*v) : LATCHKEY_JSON_ABSENT;
}

size_t JsonDocument::size(const char* pointer) const {
    const rapidjson::Value* v = find(pointer);
    if (!v) return 0;
    if (v->IsArray()) return v->Size();
    if (v->IsObject()) return v->MemberCount();
    return 0;
}

std::optional<std::string> JsonDocument::string(const char* pointer, std::string& why) const {
    const rapidjson::Value* v = expect(pointer, LATCHKEY_JSON_STRING, why);
    if (!v) return std::nullopt;
    return std::string(v->GetString(), v->GetStringLength());
}

std::optional<double> JsonDocument::number(const char* pointer, std::string& why) const {
    const rapidjson::Value* v = expect(pointer, LATCHKEY_JSON_NUMBER, why);
    if (!v) return std::nullopt;
    return v->GetDouble();
}

std::optional<int64_t> JsonDocument::integer(const char* pointer, std::string& why) const {
    const rapidjson::Value* v = expect(pointer, LATCHKEY_JSON_NUMBER, why);
    if (!v) return std::nullopt;
    if (v->IsInt64()) return v->GetInt64();
    // 3600.0 is an integer written the long way; 2^63 and up, 3600.5 and
    // 1e400 (infinite as a double) are not.
    double d = v->GetDouble();
    if (std::isfinite(d) && d == std::trunc(d) && d >= -9.2233720368547758e18 &&
        d < 9.2233720368547758e18)
        return static_cast<int64_t>(d);
    why = "the answer has a number at " + shown(pointer) + " that is not an integer in range";
    return std::nullopt;
}

std::optional<bool> JsonDocument::boolean(const char* pointer, std::string& why) const {
    const rapidjson::Value* v = expect(pointer, LATCHKEY_JSON_BOOL, why);
    if (!v) return std::nullopt;
    return v->GetBool();
}

std::optional<std::string> JsonDocument::key(const char* pointer, size_t index,
                                             std::string& why) const {
    const rapidjson::Value* v = expect(pointer, LATCHKEY_JSON_OBJECT, why);
    if (!v) return std::nullopt;
    if (index >= v->MemberCount()) {
        why = "the object at " + shown(pointer) + " has " + std::to_string(v->MemberCount()) +
              " members, no member " + std::to_string(index);
        return std::nullopt;
    }
    const rapidjson::Value& name = v->MemberBegin()[static_cast<rapidjson::SizeType>(index)].name;
    return std::string(name.GetString(), name.GetStringLength());
}

std::optional<std::string> JsonDocument::text(const char* pointer, std::string& why) const {
    const rapidjson::Value* v = find(pointer);
    if (!v) {
        why = "the answer has nothing at " + shown(pointer);
        return std::nullopt;
    }
    return common::to_json(*v);  // the parse capped the depth: Accept may recurse
}

std::optional<std::string> json_quote(std::string_view text) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                      rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>
        w(buf);
    if (text.size() > UINT32_MAX ||
        !w.String(text.data(), static_cast<rapidjson::SizeType>(text.size())))
        return std::nullopt;
    return std::string(buf.GetString(), buf.GetSize());
}

std::optional<std::string> compact_json(std::string_view text, std::string& why) {
    rapidjson::Document doc;
    if (auto problem = common::parse_bounded_json(doc, text)) {
        why = "not JSON: " + problem->describe();
        return std::nullopt;
    }
    return common::to_json(doc);
}

}  // namespace latchkey::abi
