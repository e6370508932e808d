// The agent's API on its Unix socket (HTTP/1.1, JSON). docs/agent.md is the
// reference; in short:
//
//   GET  /v1/health                          {"status":"ok", ...}
//   GET  /v1/token?site=S[&min_valid=10m]    {"site","token","token_type","header",...}
//   GET  /v1/header?site=S[&min_valid=10m]   the same without the bare token
//   POST /v1/invalidate?site=S  {"token":T}  forget T (the server refused it)
//   GET  /v1/status                          the sites this caller may read, no secret
//
// Errors: {"error":{"kind","message","exit_code"}} with a matching status.
// Every answer about a site leaves one audit line.
#pragma once

#include "agent_state.hpp"
#include "http_server.hpp"

namespace latchkey::agent {

class SocketApi : public Service {
 public:
    explicit SocketApi(AgentState& state) : state_(state) {}
    void serve(Request&& request, const Peer& peer, Respond respond) override;
    Response refuse(const Peer& peer, http::status status, const std::string& why) override;

 private:
    AgentState& state_;
};

// The HTTP status for a latchkey::Error kind, and its reverse for a client.
http::status status_for(ErrorKind kind);

}  // namespace latchkey::agent
