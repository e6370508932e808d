#include "assertion_claims.hpp"

#include <algorithm>

#include "jti_cache.hpp"
#include "tokens.hpp"

namespace devserver {
namespace {

bool names_audience(const rapidjson::Value& aud, const std::vector<std::string>& accepted) {
    const auto accepted_one = [&](const rapidjson::Value& v) {
        return v.IsString() &&
               std::find(accepted.begin(), accepted.end(), v.GetString()) != accepted.end();
    };
    if (aud.IsArray()) {
        return std::any_of(aud.Begin(), aud.End(), accepted_one);
    }
    return accepted_one(aud);
}

}  // namespace

std::string string_claim(const rapidjson::Value& claims, const char* name) {
    const auto it = claims.FindMember(name);
    return it != claims.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

std::optional<std::string> check_claims(const rapidjson::Value& claims, const ClaimRules& rules,
                                        std::int64_t now) {
    const std::string iss = string_claim(claims, "iss");
    if (iss.empty() || (!rules.issuer.empty() && iss != rules.issuer)) {
        return rules.issuer.empty() ? "iss is missing" : "iss must be " + rules.issuer;
    }
    const std::string sub = string_claim(claims, "sub");
    if (sub.empty() || (!rules.subject.empty() && sub != rules.subject)) {
        return rules.subject.empty() ? "sub is missing" : "sub must be " + rules.subject;
    }
    const auto aud = claims.FindMember("aud");
    if (aud == claims.MemberEnd() || !names_audience(aud->value, rules.audiences)) {
        std::string expected;
        for (const auto& a : rules.audiences) {
            expected += (expected.empty() ? "" : " or ") + a;
        }
        return "aud must be " + expected;
    }
    const auto exp = claims.FindMember("exp");
    if (exp == claims.MemberEnd() || !exp->value.IsNumber()) {
        return std::string("exp is missing");
    }
    const auto expires = static_cast<std::int64_t>(exp->value.GetDouble());
    if (expires + kLeeway < now) {
        return std::string("the JWT has expired (exp is in the past)");
    }
    if (static_cast<double>(expires - now) > rules.max_lifetime + kLeeway) {
        return "exp is too far ahead (at most " +
               std::to_string(static_cast<std::int64_t>(rules.max_lifetime)) + " s)";
    }
    const auto nbf = claims.FindMember("nbf");
    if (nbf != claims.MemberEnd() &&
        (!nbf->value.IsNumber() ||
         static_cast<std::int64_t>(nbf->value.GetDouble()) > now + kLeeway)) {
        return std::string("the JWT is not valid yet (nbf)");
    }
    if (rules.require_jti && string_claim(claims, "jti").empty()) {
        return std::string("jti is missing");
    }
    return std::nullopt;
}

std::vector<std::string> own_audiences(const ServerContext& ctx, const std::string& path) {
    std::vector<std::string> out;
    for (const std::string* base : {&ctx.issuer, &ctx.tls_issuer}) {
        if (base->empty()) {
            continue;
        }
        for (const std::string& candidate :
             {*base, *base + "/", *base + "/oauth2/token", *base + path}) {
            if (std::find(out.begin(), out.end(), candidate) == out.end()) {
                out.push_back(candidate);
            }
        }
    }
    return out;
}

}  // namespace devserver
