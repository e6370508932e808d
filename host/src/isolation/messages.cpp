#include "isolation/messages.hpp"

#include <cstring>

namespace latchkey::isolation {

namespace {

rapidjson::Value str(const std::string& s, Alloc& a) {
    return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

// A string without NUL: the ABI's strings are C strings, so a NUL can only
// mean a broken or hostile helper.
std::optional<std::string> clean_string(const rapidjson::Value& v) {
    if (!v.IsString()) return std::nullopt;
    std::string s(v.GetString(), v.GetStringLength());
    if (s.find('\0') != std::string::npos) return std::nullopt;
    return s;
}

}  // namespace

Message::Message(const char* op) {
    doc_.SetObject();
    put("op", op);
}

Message& Message::put(const char* key, const std::string& value) {
    return put(key, str(value, alloc()));
}
Message& Message::put(const char* key, const char* value) { return put(key, std::string(value)); }
Message& Message::put(const char* key, int64_t value) { return put(key, rapidjson::Value(value)); }
Message& Message::put(const char* key, bool value) { return put(key, rapidjson::Value(value)); }
Message& Message::put(const char* key, rapidjson::Value value) {
    doc_.AddMember(rapidjson::Value(key, alloc()), value, alloc());
    return *this;
}

std::optional<std::string> text_of(const rapidjson::Value& obj, const char* key) {
    if (!obj.IsObject()) return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) return std::nullopt;
    return clean_string(it->value);
}

std::optional<int64_t> int_of(const rapidjson::Value& obj, const char* key) {
    if (!obj.IsObject()) return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
    return it->value.GetInt64();
}

std::optional<bool> bool_of(const rapidjson::Value& obj, const char* key) {
    if (!obj.IsObject()) return std::nullopt;
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd() || !it->value.IsBool()) return std::nullopt;
    return it->value.GetBool();
}

std::string op_of(const rapidjson::Value& obj) { return text_of(obj, "op").value_or(""); }

rapidjson::Value credential_json(const detail::CredentialData& c, Alloc& a) {
    rapidjson::Value v(rapidjson::kObjectType);
    v.AddMember("token", str(c.token, a), a);
    v.AddMember("token_type", str(c.token_type, a), a);
    v.AddMember("header_name", str(c.header_name, a), a);
    v.AddMember("refresh_token", str(c.refresh_token, a), a);
    v.AddMember("expires_at_ms", rapidjson::Value(c.expires_at_ms), a);
    v.AddMember("obtained_at_ms", rapidjson::Value(c.obtained_at_ms), a);
    rapidjson::Value extras(rapidjson::kObjectType);
    for (auto& [k, val] : c.extras) extras.AddMember(str(k, a), str(val, a), a);
    v.AddMember("extras", extras, a);
    rapidjson::Value json_extras(rapidjson::kArrayType);
    for (auto& k : c.json_extras) json_extras.PushBack(str(k, a), a);
    v.AddMember("json_extras", json_extras, a);
    return v;
}

std::optional<detail::CredentialData> credential_from(const rapidjson::Value& v) {
    detail::CredentialData c;
    auto token = text_of(v, "token");
    auto type = text_of(v, "token_type");
    auto header = text_of(v, "header_name");
    auto refresh = text_of(v, "refresh_token");
    auto expires = int_of(v, "expires_at_ms");
    auto obtained = int_of(v, "obtained_at_ms");
    if (!token || !type || !header || !refresh || !expires || !obtained) return std::nullopt;
    c.token = *token;
    c.token_type = *type;
    c.header_name = *header;
    c.refresh_token = *refresh;
    c.expires_at_ms = *expires;
    c.obtained_at_ms = *obtained;
    auto extras = v.FindMember("extras");
    if (extras == v.MemberEnd() || !extras->value.IsObject()) return std::nullopt;
    for (auto& m : extras->value.GetObject()) {
        auto k = clean_string(m.name);
        auto val = clean_string(m.value);
        if (!k || !val) return std::nullopt;
        c.extras[*k] = *val;
    }
    auto json_extras = v.FindMember("json_extras");
    if (json_extras != v.MemberEnd()) {
        if (!json_extras->value.IsArray()) return std::nullopt;
        for (auto& k : json_extras->value.GetArray()) {
            auto key = clean_string(k);
            if (!key || !c.extras.count(*key)) return std::nullopt;
            c.json_extras.insert(*key);
        }
    }
    return c;
}

rapidjson::Value values_json(const std::map<std::string, policy::ResolvedValue>& values, Alloc& a) {
    rapidjson::Value out(rapidjson::kObjectType);
    for (auto& [key, rv] : values) {
        rapidjson::Value v(rapidjson::kObjectType);
        v.AddMember("set", rv.set, a);
        v.AddMember("is_list", rv.is_list, a);
        v.AddMember("text", str(rv.text, a), a);
        v.AddMember("ms", rapidjson::Value(rv.ms), a);
        v.AddMember("is_duration", rv.is_duration, a);
        rapidjson::Value list(rapidjson::kArrayType);
        for (auto& item : rv.list) list.PushBack(str(item, a), a);
        v.AddMember("list", list, a);
        v.AddMember("source", str(rv.source, a), a);
        v.AddMember("secret", rv.secret, a);
        out.AddMember(str(key, a), v, a);
    }
    return out;
}

std::optional<std::map<std::string, policy::ResolvedValue>> values_from(const rapidjson::Value& v) {
    if (!v.IsObject()) return std::nullopt;
    std::map<std::string, policy::ResolvedValue> out;
    for (auto& m : v.GetObject()) {
        auto key = clean_string(m.name);
        const auto& o = m.value;
        policy::ResolvedValue rv;
        auto set = bool_of(o, "set");
        auto is_list = bool_of(o, "is_list");
        auto text = text_of(o, "text");
        auto ms = int_of(o, "ms");
        auto is_duration = bool_of(o, "is_duration");
        auto source = text_of(o, "source");
        auto secret = bool_of(o, "secret");
        if (!key || !set || !is_list || !text || !ms || !is_duration || !source || !secret)
            return std::nullopt;
        auto list = o.FindMember("list");
        if (list == o.MemberEnd() || !list->value.IsArray()) return std::nullopt;
        for (auto& item : list->value.GetArray()) {
            auto s = clean_string(item);
            if (!s) return std::nullopt;
            rv.list.push_back(*s);
        }
        rv.set = *set;
        rv.is_list = *is_list;
        rv.text = *text;
        rv.ms = *ms;
        rv.is_duration = *is_duration;
        rv.source = *source;
        rv.secret = *secret;
        out[*key] = std::move(rv);
    }
    return out;
}

rapidjson::Value schema_json(const std::vector<policy::OptionSpec>& schema, Alloc& a) {
    rapidjson::Value out(rapidjson::kArrayType);
    for (auto& s : schema) {
        rapidjson::Value v(rapidjson::kObjectType);
        v.AddMember("key", str(s.key, a), a);
        v.AddMember("type", rapidjson::Value(static_cast<int64_t>(s.type)), a);
        v.AddMember("required", s.required, a);
        v.AddMember("secret", s.secret, a);
        v.AddMember("identity", s.identity, a);
        if (s.default_value) v.AddMember("default", str(*s.default_value, a), a);
        v.AddMember("doc", str(s.doc, a), a);
        out.PushBack(v, a);
    }
    return out;
}

std::optional<std::vector<policy::OptionSpec>> schema_from(const rapidjson::Value& v) {
    if (!v.IsArray()) return std::nullopt;
    std::vector<policy::OptionSpec> out;
    for (auto& o : v.GetArray()) {
        policy::OptionSpec s;
        auto key = text_of(o, "key");
        auto type = int_of(o, "type");
        auto required = bool_of(o, "required");
        auto secret = bool_of(o, "secret");
        auto identity = bool_of(o, "identity");
        auto doc = text_of(o, "doc");
        if (!key || !type || *type < LATCHKEY_OPT_STRING || *type > LATCHKEY_OPT_PATH ||
            !required || !secret || !identity || !doc)
            return std::nullopt;
        s.key = *key;
        s.type = static_cast<latchkey_option_type>(*type);
        s.required = *required;
        s.secret = *secret;
        s.identity = *identity;
        s.default_value = text_of(o, "default");
        s.doc = *doc;
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace latchkey::isolation
