// latchkey-devserver: flags, wiring and lifecycle. The endpoints live in their own files.
#include <httplib.h>
#include <pthread.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "admin.hpp"
#include "context.hpp"
#include "json.hpp"
#include "options.hpp"
#include "routes.hpp"
#include "settings.hpp"
#include "tls_listener.hpp"
#include "token_endpoint.hpp"
#include "whoami.hpp"

namespace {

// Loopback only: the server hands out tokens to anyone who knows a client secret from its
// command line, and its admin endpoints have no authentication at all.
constexpr const char* kHost = "127.0.0.1";

// Token requests are a few hundred bytes; refuse anything absurd before buffering it.
constexpr std::size_t kMaxRequestBody = 1024 * 1024;

// One line per request. Method, path and status only: never headers, query or body,
// which is where secrets and tokens travel.
void log_request(const httplib::Request& req, const httplib::Response& res) {
    const std::string line = req.method + " " + req.path + " " + std::to_string(res.status) + "\n";
    // A single fwrite holds stderr's lock, so lines from pool threads do not interleave.
    std::fwrite(line.data(), 1, line.size(), stderr);
}

// Unmatched routes get JSON too, so clients that expect JSON fail with a clear message.
void fill_error_body(const httplib::Request&, httplib::Response& res) {
    if (res.body.empty() && res.status != 444) {
        devserver::send_json(res, res.status, [&](devserver::JsonWriter& w) {
            w.StartObject();
            w.Key("error");
            w.String(res.status == 404   ? "not_found"
                     : res.status >= 500 ? "server_error"
                                         : "invalid_request");
            w.EndObject();
        });
    }
}

// Limits, socket options, logging and every endpoint, the same for both listeners.
void configure(httplib::Server& server, devserver::ServerContext& ctx) {
    server.set_payload_max_length(kMaxRequestBody);
    // httplib's default socket options add SO_REUSEPORT, which would let a second server
    // share a busy --port silently and split the requests. SO_REUSEADDR alone still allows
    // a quick restart on the same port while refusing a port with a live listener.
    server.set_socket_options([](socket_t sock) {
        const int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    server.set_logger(log_request);
    server.set_error_handler(fill_error_body);
    devserver::register_token_endpoint(server, ctx);
    devserver::register_whoami(server, ctx);
    devserver::register_admin(server, ctx);
    devserver::install_route_modules(server, ctx);
}

// Binds `server` to `port` on the loopback address (0: any free port). Returns the port,
// or -1 after saying why.
int bind(httplib::Server& server, int port) {
    const int bound =
        port == 0 ? server.bind_to_any_port(kHost) : (server.bind_to_port(kHost, port) ? port : -1);
    if (bound <= 0) {
        std::cerr << "latchkey-devserver: cannot listen on " << kHost << ':' << port << '\n';
        return -1;
    }
    return bound;
}

}  // namespace

int main(int argc, char** argv) {
    // Block the stop signals first thing, before any thread starts: every thread inherits
    // the mask, so they are only ever received by sigwait in the watcher below, never in a
    // handler. Doing it this early also keeps a signal sent during startup pending instead
    // of lost (a background job starts with SIGINT ignored, and an ignored signal that is
    // not blocked is discarded).
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto parsed = devserver::parse_options(argc, argv);
    if (!parsed.options) {
        return parsed.exit_code;
    }
    const devserver::Options& options = *parsed.options;

    // httplib 0.11 sends without MSG_NOSIGNAL; a client hanging up (or the reset fault)
    // must cost an EPIPE, not the process.
    std::signal(SIGPIPE, SIG_IGN);

    if (const auto problem = devserver::check_settings(options.settings)) {
        std::cerr << "latchkey-devserver: " << *problem << '\n';
        return 2;
    }
    devserver::ClientRegistry clients;
    try {
        auto configured = options.clients;
        devserver::apply_client_settings(configured, options.settings);
        for (auto& client : configured) {
            clients.add(std::move(client));
        }
    } catch (const std::invalid_argument& e) {
        std::cerr << "latchkey-devserver: " << e.what() << '\n';
        return 2;
    }
    if (clients.all().empty()) {
        std::cerr << "latchkey-devserver: warning: no --client given; every token request "
                     "will fail with invalid_client\n";
    }

    devserver::TokenStore tokens;
    devserver::Stats stats;
    devserver::FaultBoard faults;
    devserver::OAuthState oauth;
    devserver::ServerContext ctx{clients,          tokens, stats, faults, options.token_lifetime,
                                 options.settings, oauth};

    httplib::Server server;
    configure(server, ctx);
    const int port = bind(server, options.port);
    if (port <= 0) {
        return 1;
    }
    ctx.issuer = std::string("http://") + kHost + ':' + std::to_string(port);

    std::unique_ptr<httplib::SSLServer> tls_server;
    int tls_port = 0;
    if (!options.tls_cert.empty()) {
        std::string error;
        tls_server = devserver::make_tls_server(options.tls_cert, options.tls_key,
                                                options.tls_client_ca, error);
        if (!tls_server) {
            std::cerr << "latchkey-devserver: " << error << '\n';
            return 2;
        }
        configure(*tls_server, ctx);
        tls_port = bind(*tls_server, options.tls_port);
        if (tls_port <= 0) {
            return 1;
        }
        ctx.tls_issuer = std::string("https://") + kHost + ':' + std::to_string(tls_port);
    }
    // Tests read this exact line to learn the port, so it goes out before any request.
    std::printf("latchkey-devserver listening on http://%s:%d\n", kHost, port);
    if (tls_server) {
        std::printf("latchkey-devserver TLS listening on https://%s:%d\n", kHost, tls_port);
    }
    std::fflush(stdout);
    std::thread tls_thread;
    std::atomic<bool> tls_returned{false};
    if (tls_server) {
        tls_thread = std::thread([&] {
            tls_server->listen_after_bind();
            tls_returned = true;
        });
    }

    std::atomic<bool> listen_returned{false};
    std::atomic<bool> signalled{false};
    std::thread watcher([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        if (listen_returned) {
            return;  // woken by main after the server stopped on its own
        }
        signalled = true;
        // stop() is a no-op until listen_after_bind has marked the server running, so a
        // signal that lands right after the port line must wait for that moment.
        while (!server.is_running() && !listen_returned) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        server.stop();
    });

    const bool listened = server.listen_after_bind();
    listen_returned = true;
    if (!signalled) {
        pthread_kill(watcher.native_handle(), SIGTERM);
    }
    watcher.join();
    if (tls_thread.joinable()) {
        // As above: stop() is a no-op until the listener runs.
        while (!tls_server->is_running() && !tls_returned) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        tls_server->stop();
        tls_thread.join();
    }
    return signalled || listened ? 0 : 1;
}
