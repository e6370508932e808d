// What travels between latchkey and a provider helper, as JSON (RapidJSON):
// credentials, a site's resolved options, a provider's schema, and readers
// that accept only well-formed fields. A reader never trusts the other side:
// a missing field, a wrong type or a string holding a NUL yields nullopt,
// and the caller treats the helper as broken.
//
// The conversation (frames.hpp carries each message):
//   helper -> host  {"op":"ready", name, version, schema, refresh, expired, revoke, whoami}
//                   or {"op":"refused", message} when the plugin cannot be loaded
//   host -> helper  {"op":"create", site, provider, values, log_level}
//                   {"op":"acquire"} {"op":"refresh", current} {"op":"expired", current, now}
//                   {"op":"revoke", current} {"op":"whoami", current}
//   helper -> host  while a call runs, host services that must be the host's:
//                   {"op":"log", level, text} {"op":"wait", ms} {"op":"notice", text}
//                   {"op":"progress", line}   {"op":"cache_put", name, value, expires_at_ms}
//                   and, answered by {"op":"answer", ...}:
//                   {"op":"interactive"} {"op":"prompt", question, secret} {"op":"open_url", url}
//                   {"op":"cache_get", name} {"op":"fetch_site", site}
//   helper -> host  {"op":"done", status, message, retry_after_ms, credential?, json?, expired?}
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "policy/option_spec.hpp"
#include "policy/resolver.hpp"
#include "credential/credential_data.hpp"

namespace latchkey::isolation {

using Alloc = rapidjson::Document::AllocatorType;

// A JSON object under construction: obj.put("key", value).
class Message {
 public:
    explicit Message(const char* op);
    Message& put(const char* key, const std::string& value);
    Message& put(const char* key, const char* value);
    Message& put(const char* key, int64_t value);
    Message& put(const char* key, bool value);
    Message& put(const char* key, rapidjson::Value value);
    Alloc& alloc() { return doc_.GetAllocator(); }
    const rapidjson::Document& doc() const { return doc_; }

 private:
    rapidjson::Document doc_;
};

// Field readers; nullopt when absent or of another type.
std::optional<std::string> text_of(const rapidjson::Value& obj, const char* key);
std::optional<int64_t> int_of(const rapidjson::Value& obj, const char* key);
std::optional<bool> bool_of(const rapidjson::Value& obj, const char* key);
std::string op_of(const rapidjson::Value& obj);

rapidjson::Value credential_json(const detail::CredentialData& c, Alloc& alloc);
std::optional<detail::CredentialData> credential_from(const rapidjson::Value& v);

rapidjson::Value values_json(const std::map<std::string, policy::ResolvedValue>& values,
                             Alloc& alloc);
std::optional<std::map<std::string, policy::ResolvedValue>> values_from(const rapidjson::Value& v);

rapidjson::Value schema_json(const std::vector<policy::OptionSpec>& schema, Alloc& alloc);
std::optional<std::vector<policy::OptionSpec>> schema_from(const rapidjson::Value& v);

}  // namespace latchkey::isolation
