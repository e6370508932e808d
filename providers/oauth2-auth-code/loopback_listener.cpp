#include "loopback_listener.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <latchkey/provider.hpp>
#include <mutex>
#include <thread>

#include "callback_page.hpp"

namespace latchkey::auth_code {

namespace {
constexpr const char* kLoopback = "127.0.0.1";
// One browser, one redirect: two workers are plenty, and a favicon request
// never waits behind the callback.
constexpr size_t kWorkers = 2;
constexpr size_t kMaxRequestBytes = 64 * 1024;
}  // namespace

struct LoopbackListener::State {
    httplib::Server server;
    std::thread thread;
    std::atomic<bool> finished{false};
    int port = 0;
    std::string path;
    ExpectedAnswer expected;

    mutable std::mutex mu;
    std::optional<CallbackAnswer> answer;

    void handle(const httplib::Request& req, httplib::Response& res) {
        if (req.path != path) {
            res.status = 404;
            res.set_content(not_found_page(), "text/html; charset=utf-8");
            return;
        }
        std::lock_guard lock(mu);
        if (answer) {
            res.status = 409;
            res.set_content(already_answered_page(), "text/html; charset=utf-8");
            return;
        }
        answer = evaluate_callback(req.params, expected);
        res.status = answer->kind == CallbackAnswer::Kind::code ? 200 : 400;
        res.set_content(answer_page(*answer), "text/html; charset=utf-8");
    }
};

LoopbackListener::LoopbackListener(int port, const std::string& path,
                                   const ExpectedAnswer& expected)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.path = path;
    s.expected = expected;
    s.server.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
    s.server.set_keep_alive_max_count(1);
    s.server.set_read_timeout(5, 0);
    s.server.set_payload_max_length(kMaxRequestBytes);
    // Every path reaches one handler that compares it exactly: the library's
    // patterns are regular expressions, which a configured path must not be.
    s.server.Get(".*",
                 [&s](const httplib::Request& req, httplib::Response& res) { s.handle(req, res); });

    if (port == 0) {
        s.port = s.server.bind_to_any_port(kLoopback);
        if (s.port <= 0)
            throw sdk::internal_error("cannot listen on 127.0.0.1 for the login redirect");
    } else {
        if (!s.server.bind_to_port(kLoopback, port))
            throw sdk::config_error("cannot listen on 127.0.0.1:" + std::to_string(port) +
                                    " (option 'redirect_port') for the login redirect: is "
                                    "another program or login using it?");
        s.port = port;
    }
    s.thread = std::thread([&s] {
        s.server.listen_after_bind();
        s.finished = true;
    });
    // stop() only takes effect once the server runs; wait for that (or for
    // its end) so the destructor can never miss it and hang in join().
    while (!s.server.is_running() && !s.finished)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

LoopbackListener::~LoopbackListener() {
    state_->server.stop();
    if (state_->thread.joinable()) state_->thread.join();
}

std::string LoopbackListener::redirect_uri() const {
    return "http://" + std::string(kLoopback) + ":" + std::to_string(state_->port) + state_->path;
}

std::optional<CallbackAnswer> LoopbackListener::answer() const {
    std::lock_guard lock(state_->mu);
    return state_->answer;
}

}  // namespace latchkey::auth_code
