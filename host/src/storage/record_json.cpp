#include "storage/record_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>
#include <utility>

#include "credential/credential_check.hpp"

namespace latchkey::storage {

namespace {
constexpr int kFormatVersion = 1;
}

std::string to_json(const detail::CredentialData& c) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("format");
    w.String("latchkey-credential");
    w.Key("version");
    w.Int(kFormatVersion);
    w.Key("token");
    w.String(c.token.c_str(), static_cast<rapidjson::SizeType>(c.token.size()));
    w.Key("token_type");
    w.String(c.token_type.c_str());
    w.Key("header_name");
    w.String(c.header_name.c_str());
    if (!c.refresh_token.empty()) {
        w.Key("refresh_token");
        w.String(c.refresh_token.c_str());
    }
    w.Key("expires_at_ms");
    w.Int64(c.expires_at_ms);
    w.Key("obtained_at_ms");
    w.Int64(c.obtained_at_ms);
    w.Key("extras");
    w.StartObject();
    for (auto& [k, v] : c.extras) {
        w.Key(k.c_str());
        // A typed extra is stored as the JSON it is (checked and made compact
        // when the provider handed it over); an older latchkey skips it.
        if (c.json_extras.count(k))
            w.RawValue(v.c_str(), v.size(), rapidjson::kObjectType);
        else
            w.String(v.c_str());
    }
    w.EndObject();
    w.EndObject();
    return buf.GetString();
}

std::optional<detail::CredentialData> from_json(const std::string& text, std::string& error) {
    // Bounded: whoever can write to the store (a shared redis, say) must
    // not be able to crash every process that reads it.
    rapidjson::Document d;
    if (auto problem = common::parse_bounded_json(d, text)) {
        error = "not JSON (" + problem->describe() + ")";
        return std::nullopt;
    }
    if (!d.IsObject() || !d.HasMember("format") || !d["format"].IsString() ||
        std::string(d["format"].GetString()) != "latchkey-credential") {
        error = "not a latchkey credential";
        return std::nullopt;
    }
    if (!d.HasMember("version") || !d["version"].IsInt() ||
        d["version"].GetInt() != kFormatVersion) {
        error =
            "written by another latchkey version (format version " +
            (d.HasMember("version") && d["version"].IsInt() ? std::to_string(d["version"].GetInt())
                                                            : std::string("?")) +
            ", this one reads " + std::to_string(kFormatVersion) + ")";
        return std::nullopt;
    }
    auto str = [&](const char* k) -> std::optional<std::string> {
        if (!d.HasMember(k)) return std::string();
        if (!d[k].IsString()) return std::nullopt;
        return std::string(d[k].GetString(), d[k].GetStringLength());
    };
    auto num = [&](const char* k) -> std::optional<int64_t> {
        if (!d.HasMember(k)) return 0;
        if (!d[k].IsInt64()) return std::nullopt;
        return d[k].GetInt64();
    };
    detail::CredentialData c;
    auto token = str("token"), type = str("token_type"), header = str("header_name"),
         refresh = str("refresh_token");
    auto exp = num("expires_at_ms"), obtained = num("obtained_at_ms");
    if (!token || token->empty() || !type || !header || !refresh || !exp || !obtained) {
        error = "a field has the wrong type or the token is missing";
        return std::nullopt;
    }
    for (auto [name, ms] :
         {std::pair{"expires_at_ms", *exp}, std::pair{"obtained_at_ms", *obtained}})
        if (!credential::time_in_range(ms)) {
            error = std::string(name) + " " + std::to_string(ms) +
                    " is not a time between 1970 and the year 9999";
            return std::nullopt;
        }
    c.token = *token;
    c.token_type = *type;
    c.header_name = header->empty() ? "Authorization" : *header;
    c.refresh_token = *refresh;
    c.expires_at_ms = *exp;
    c.obtained_at_ms = *obtained;
    if (d.HasMember("extras")) {
        if (!d["extras"].IsObject()) {
            error = "extras is not an object";
            return std::nullopt;
        }
        for (auto& m : d["extras"].GetObject()) {
            if (m.value.IsString()) {
                c.extras[m.name.GetString()] = m.value.GetString();
            } else {
                c.extras[m.name.GetString()] = common::to_json(m.value);  // depth is capped
                c.json_extras.insert(m.name.GetString());
            }
        }
    }
    return c;
}

}  // namespace latchkey::storage
