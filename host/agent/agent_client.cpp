#include "agent_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <latchkey/common/bounded_json.hpp>

namespace latchkey::agent {

namespace net = boost::asio;
namespace http = boost::beast::http;

std::optional<AgentReply> ask_agent(const std::string& socket_path, const std::string& method,
                                    const std::string& target, const std::string& config,
                                    const std::string& body, int timeout_ms) {
    net::io_context io;
    net::local::stream_protocol::socket socket(io);
    boost::system::error_code ec;
    socket.connect(net::local::stream_protocol::endpoint(socket_path), ec);
    if (ec) return std::nullopt;
    // Blocking reads and writes with a deadline each: an agent that is
    // stopped (SIGSTOP) or wedged costs the caller timeout_ms, then it works alone.
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

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

TokenAnswer interpret_token_reply(const std::optional<AgentReply>& reply) {
    TokenAnswer out;
    if (!reply) {
        out.why_alone = "no agent answers";
        return out;
    }
    rapidjson::Document doc;
    if (common::parse_bounded_json(doc, reply->body) || !doc.IsObject()) {
        out.why_alone = "the agent's answer is not JSON";
        return out;
    }
    auto str = [](const rapidjson::Value& v, const char* key) {
        auto it = v.FindMember(key);
        return it != v.MemberEnd() && it->value.IsString()
                   ? std::string(it->value.GetString(), it->value.GetStringLength())
                   : std::string();
    };
    if (reply->status == 200) {
        ServedToken t;
        t.site = str(doc, "site");
        t.token = str(doc, "token");
        t.token_type = str(doc, "token_type");
        t.header = str(doc, "header");
        if (auto it = doc.FindMember("expires_at_ms"); it != doc.MemberEnd() && it->value.IsInt64())
            t.expires_at_ms = it->value.GetInt64();
        if (t.token.empty()) {
            out.why_alone = "the agent's answer holds no token";
            return out;
        }
        out.token = std::move(t);
        out.work_alone = false;
        return out;
    }
    auto err = doc.FindMember("error");
    if (err == doc.MemberEnd() || !err->value.IsObject()) {
        out.why_alone = "the agent answered " + std::to_string(reply->status) + " without an error";
        return out;
    }
    std::string kind = str(err->value, "kind"), message = str(err->value, "message");
    // Errors of the agent itself, not of the site: this caller may still
    // get the credential working alone, with its own rights.
    for (const char* own :
         {"refused", "policy_mismatch", "busy", "bad_request", "not_found", "unknown_site"})
        if (kind == own) {
            out.why_alone = "the agent declined (" + kind + "): " + message;
            return out;
        }
    out.error_kind = kind;
    out.error_message = message;
    out.work_alone = false;
    return out;
}

}  // namespace latchkey::agent
