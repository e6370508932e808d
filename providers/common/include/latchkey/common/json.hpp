// RapidJSON lookups without comparing member iterators in our own code:
// RapidJSON 1.1's iterator operators are ambiguous under C++20 rules and
// clang warns on every `it != obj.MemberEnd()`.
#ifndef LATCHKEY_COMMON_JSON_HPP
#define LATCHKEY_COMMON_JSON_HPP

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <string>

namespace latchkey::common {

// The member `key` of object `obj`, or nullptr when absent.
inline const rapidjson::Value* member(const rapidjson::Value& obj, const char* key) {
    return obj.IsObject() && obj.HasMember(key) ? &obj[key] : nullptr;
}

// The member `key` when it is a string, or nullptr.
inline const rapidjson::Value* string_member(const rapidjson::Value& obj, const char* key) {
    const rapidjson::Value* v = member(obj, key);
    return v && v->IsString() ? v : nullptr;
}

// Calls fn(name, value) for every member of object `obj`, in document order.
template <class Fn>
void for_each_member(const rapidjson::Value& obj, Fn&& fn) {
    if (!obj.IsObject()) return;
    auto first = obj.MemberBegin();
    for (rapidjson::SizeType i = 0; i < obj.MemberCount(); ++i) {
        const auto& m = first[i];
        fn(m.name, m.value);
    }
}

// `v` serialised as compact JSON.
inline std::string to_json(const rapidjson::Value& v) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    v.Accept(w);
    return std::string(buf.GetString(), buf.GetSize());
}

// Adds the string member `key` = `value` to object `obj` (both copied).
inline void add_string(rapidjson::Document& doc, rapidjson::Value& obj, const char* key,
                       const std::string& value) {
    auto& a = doc.GetAllocator();
    obj.AddMember(rapidjson::Value(key, a), rapidjson::Value(value.c_str(), a), a);
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_JSON_HPP
