#include "admin.hpp"

#include <string>
#include <variant>

#include "admin_json.hpp"
#include "json.hpp"

namespace devserver {
namespace {

void write_params(JsonWriter& w, const ParamMap& params) {
    w.StartObject();
    for (auto it = params.begin(); it != params.end();) {
        const auto end = params.upper_bound(it->first);
        w.Key(it->first.data(), static_cast<rapidjson::SizeType>(it->first.size()));
        // Only `resource` may repeat; keep the common single-value case a plain string.
        if (std::next(it) == end) {
            write_string(w, it->second);
        } else {
            w.StartArray();
            for (; it != end; ++it) {
                write_string(w, it->second);
            }
            w.EndArray();
        }
        it = end;
    }
    w.EndObject();
}

void write_counters(JsonWriter& w, const std::map<std::string, std::uint64_t>& counters) {
    w.StartObject();
    for (const auto& [name, n] : counters) {
        w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
        w.Uint64(n);
    }
    w.EndObject();
}

void write_client(JsonWriter& w, const ClientStats& stats) {
    w.StartObject();
    w.Key("issued");
    w.Uint64(stats.issued);
    w.Key("auth_methods");
    w.StartObject();
    for (const AuthMethod method : kAuthMethods) {
        w.Key(auth_method_name(method));
        w.Uint64(stats.auth_methods[static_cast<std::size_t>(method)]);
    }
    w.EndObject();
    w.Key("grants");
    write_counters(w, stats.grants);
    w.Key("last_params");
    write_params(w, stats.last_params);
    w.EndObject();
}

void handle_stats(ServerContext& ctx, httplib::Response& res) {
    StatsSnapshot snap = ctx.stats.snapshot();
    // Every configured client appears, with zeros until used, so tests need no guards.
    for (const auto& [id, client] : ctx.clients.all()) {
        snap.clients.try_emplace(id);
    }
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("token_requests");
        w.Uint64(snap.token_requests);
        w.Key("clients");
        w.StartObject();
        for (const auto& [id, stats] : snap.clients) {
            w.Key(id.data(), static_cast<rapidjson::SizeType>(id.size()));
            write_client(w, stats);
        }
        w.EndObject();
        w.Key("counters");
        write_counters(w, snap.counters);
        w.EndObject();
    });
}

void handle_faults(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
    const auto parsed = parse_fault_request(req.body);
    if (const auto* error = std::get_if<std::string>(&parsed)) {
        send_oauth_error(res, 400, "invalid_request", *error);
        return;
    }
    const Fault& fault = std::get<Fault>(parsed);
    ctx.faults.arm(fault);
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        w.Key("armed");
        w.String(fault_mode_name(fault.mode));
        w.EndObject();
    });
}

void reset_state(ServerContext& ctx) {
    ctx.stats.clear();
    ctx.tokens.clear();
    ctx.faults.clear();
    ctx.oauth.clear();
}

}  // namespace

void register_admin(httplib::Server& server, ServerContext& ctx) {
    server.Get("/admin/health",
               [](const httplib::Request&, httplib::Response& res) { send_admin_ok(res); });
    server.Get("/admin/stats",
               [&ctx](const httplib::Request&, httplib::Response& res) { handle_stats(ctx, res); });
    server.Post("/admin/faults", [&ctx](const httplib::Request& req, httplib::Response& res) {
        handle_faults(ctx, req, res);
    });
    server.Post("/admin/reset", [&ctx](const httplib::Request&, httplib::Response& res) {
        reset_state(ctx);
        send_admin_ok(res);
    });
    // `curl -X POST .../admin/reset` sends neither Content-Length nor a chunked body, and
    // httplib 0.11 answers such a POST with 400 before it routes. RFC 9112 §6.3 says that
    // request simply has no body, so the one body-less endpoint is served before routing.
    server.set_pre_routing_handler([&ctx](const httplib::Request& req, httplib::Response& res) {
        if (req.method == "POST" && req.path == "/admin/reset" &&
            !req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
            reset_state(ctx);
            send_admin_ok(res);
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
}

}  // namespace devserver
