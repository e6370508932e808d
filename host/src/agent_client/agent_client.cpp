#include "agent_client.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <latchkey/common/bounded_json.hpp>

#include "deadline_socket.hpp"

namespace latchkey::agent {

namespace http = boost::beast::http;

std::string request_target(const std::string& endpoint, const std::string& site,
                           const std::string& min_valid) {
    std::string target = endpoint, sep = "?";
    if (!site.empty()) target += sep + "site=" + site, sep = "&";
    if (!min_valid.empty()) target += sep + "min_valid=" + min_valid;
    return target;
}

std::string invalidate_body(const std::string& refused_token) {
    if (refused_token.empty()) return "";
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("token");
    w.String(refused_token.data(), static_cast<rapidjson::SizeType>(refused_token.size()));
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

namespace {

std::optional<AgentReply> exchange(const std::string& socket_path, const std::string& method,
                                   const std::string& target, const std::string& config,
                                   const std::string& body, int timeout_ms) {
    // One deadline for the whole exchange: an agent that is stopped
    // (SIGSTOP) or wedged costs the caller timeout_ms, then it works alone.
    DeadlineSocket socket;
    if (!socket.connect(socket_path, std::chrono::milliseconds(timeout_ms))) return std::nullopt;
    boost::system::error_code ec;
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, "latchkey-agent");
    if (!config.empty()) req.set("Latchkey-Config", config);
    if (!body.empty()) {
        req.set(http::field::content_type, "application/json");
        req.body() = body;
    }
    req.prepare_payload();
    http::write(socket, req, ec);
    if (ec) return std::nullopt;
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(common::kJsonMaxBytes);
    http::read(socket, buffer, parser, ec);
    if (ec) return std::nullopt;
    return AgentReply{static_cast<int>(parser.get().result_int()), parser.get().body()};
}

}  // namespace

std::optional<AgentReply> ask_agent(const std::string& socket_path, const std::string& method,
                                    const std::string& target, const std::string& config,
                                    const std::string& body, int timeout_ms) {
    try {
        return exchange(socket_path, method, target, config, body, timeout_ms);
    } catch (const std::exception&) {
        return std::nullopt;  // out of memory, say: the caller works alone
    }
}

namespace {

std::string string_member(const rapidjson::Value& v, const char* key) {
    auto it = v.FindMember(key);
    return it != v.MemberEnd() && it->value.IsString()
               ? std::string(it->value.GetString(), it->value.GetStringLength())
               : std::string();
}

std::optional<int64_t> int_member(const rapidjson::Value& v, const char* key) {
    auto it = v.FindMember(key);
    if (it == v.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
    return it->value.GetInt64();
}

// The answer's JSON, or why the caller works alone (in `out`).
bool parse_reply(const std::optional<AgentReply>& reply, rapidjson::Document& doc,
                 TokenAnswer& out) {
    if (!reply) {
        out.why_alone = "no agent answers";
        return false;
    }
    if (common::parse_bounded_json(doc, reply->body) || !doc.IsObject()) {
        out.why_alone = "the agent's answer is not JSON";
        return false;
    }
    return true;
}

// An answer other than 200: the site's error, or the agent declining.
TokenAnswer error_answer(int status, const rapidjson::Document& doc) {
    TokenAnswer out;
    auto err = doc.FindMember("error");
    if (err == doc.MemberEnd() || !err->value.IsObject()) {
        out.why_alone = "the agent answered " + std::to_string(status) + " without an error";
        return out;
    }
    const rapidjson::Value& e = err->value;
    std::string kind = string_member(e, "kind"), message = string_member(e, "message");
    // Errors of the agent itself, not of the site: this caller may still
    // get the credential working alone, with its own rights.
    for (const char* own :
         {"refused", "policy_mismatch", "busy", "bad_request", "not_found", "unknown_site"})
        if (kind == own) {
            out.why_alone = "the agent declined (" + kind + "): " + message;
            return out;
        }
    AgentError site;
    site.kind = kind;
    site.message = message;
    site.next_command = string_member(e, "next_command");
    if (auto at = e.FindMember("position"); at != e.MemberEnd() && at->value.IsObject()) {
        site.file = string_member(at->value, "file");
        site.line = static_cast<uint32_t>(int_member(at->value, "line").value_or(0));
        site.column = static_cast<uint32_t>(int_member(at->value, "column").value_or(0));
    }
    out.error = std::move(site);
    out.work_alone = false;
    return out;
}

// True when the agent answered 200 (its JSON in `doc`); else `out` says why
// the caller works alone, or holds the site's error.
bool answered_ok(const std::optional<AgentReply>& reply, rapidjson::Document& doc,
                 TokenAnswer& out) {
    if (!parse_reply(reply, doc, out)) return false;
    if (reply->status == 200) return true;
    out = error_answer(reply->status, doc);
    return false;
}

}  // namespace

TokenAnswer interpret_token_reply(const std::optional<AgentReply>& reply) {
    TokenAnswer out;
    rapidjson::Document doc;
    if (!answered_ok(reply, doc, out)) return out;
    ServedToken t;
    t.site = string_member(doc, "site");
    t.token = string_member(doc, "token");
    t.token_type = string_member(doc, "token_type");
    t.header = string_member(doc, "header");
    t.token_username = string_member(doc, "token_username");
    if (auto it = doc.FindMember("expires_at_ms"); it != doc.MemberEnd() && it->value.IsInt64())
        t.expires_at_ms = it->value.GetInt64();
    auto extra = doc.FindMember("extra_headers");
    if (t.token.empty() || extra == doc.MemberEnd() || !extra->value.IsArray()) {
        // An agent from before extra_headers were served cannot answer as
        // this program would alone.
        out.why_alone = t.token.empty() ? "the agent's answer holds no token"
                                        : "the agent's answer holds no extra_headers";
        return out;
    }
    for (auto& line : extra->value.GetArray())
        if (line.IsString()) t.extra_headers.emplace_back(line.GetString(), line.GetStringLength());
    out.token = std::move(t);
    out.work_alone = false;
    return out;
}

TokenAnswer interpret_credential_reply(const std::optional<AgentReply>& reply) {
    TokenAnswer out;
    rapidjson::Document doc;
    if (!answered_ok(reply, doc, out)) return out;
    ServedCredential c;
    c.token = string_member(doc, "token");
    c.token_type = string_member(doc, "token_type");
    c.header_name = string_member(doc, "header_name");
    c.expires_at_ms = int_member(doc, "expires_at_ms").value_or(0);
    c.obtained_at_ms = int_member(doc, "obtained_at_ms").value_or(0);
    auto refresh_at = int_member(doc, "refresh_at_ms");
    auto extras = doc.FindMember("extras");
    if (c.token.empty() || c.header_name.empty() || !refresh_at || extras == doc.MemberEnd() ||
        !extras->value.IsObject()) {
        out.why_alone = "the agent's answer is not a whole credential";
        return out;
    }
    c.refresh_at_ms = *refresh_at;
    for (auto& m : extras->value.GetObject())
        if (m.value.IsString())
            c.extras.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()),
                                  std::string(m.value.GetString(), m.value.GetStringLength()));
    out.credential = std::move(c);
    out.work_alone = false;
    return out;
}

TokenAnswer interpret_invalidate_reply(const std::optional<AgentReply>& reply) {
    TokenAnswer out;
    rapidjson::Document doc;
    if (!answered_ok(reply, doc, out)) return out;
    auto it = doc.FindMember("invalidated");
    if (it == doc.MemberEnd() || !it->value.IsBool() || !it->value.GetBool()) {
        out.why_alone = "the agent's answer does not say the token was invalidated";
        return out;
    }
    out.work_alone = false;
    return out;
}

}  // namespace latchkey::agent
