#include "recording_server.hpp"

#include <stdexcept>
#include <utility>

#include "http.hpp"

namespace latchkey::itest {

std::string Recorded::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
}

RecordingServer::RecordingServer() {
    auto handle = [this](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex_);
        Recorded r{req.method, req.path, {}, req.body};
        for (auto& [k, v] : req.headers) r.headers.emplace(k, v);
        requests_.push_back(r);
        if (auto hook = std::exchange(hook_, nullptr)) hook();
        std::string authorization = req.get_header_value("Authorization");
        bool refused = accepted_ && authorization != *accepted_;
        if (!checker_.empty())
            refused = test::http_get(checker_ + "/api/whoami", "Authorization: " + authorization)
                          .status != 200;
        if (refused) {
            res.status = 401;
            res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            res.set_content("{\"error\":\"invalid_token\"}", "application/json");
            return;
        }
        if (req.path == "/redirect") {
            res.set_redirect(redirect_);
            return;
        }
        res.set_header("X-Served-By", "recording-server");
        res.set_content(req.path == "/missing" ? "gone\n" : "ok\n", "text/plain");
        if (req.path == "/missing") res.status = 404;
    };
    server_.Get(".*", handle);
    server_.Post(".*", handle);
    server_.Put(".*", handle);
    server_.Delete(".*", handle);
    server_.Patch(".*", handle);
    // Listening once bound: a request sent before the thread runs waits in
    // the backlog.
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("recording server: cannot bind 127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
}

RecordingServer::~RecordingServer() {
    server_.stop();
    thread_.join();
}

void RecordingServer::accept_only(const std::string& authorization) {
    std::lock_guard lock(mutex_);
    accepted_ = authorization;
}

void RecordingServer::check_with(const std::string& devserver_url) {
    std::lock_guard lock(mutex_);
    checker_ = devserver_url;
}

void RecordingServer::before_next_answer(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    hook_ = std::move(hook);
}

void RecordingServer::redirect_to(const std::string& url) {
    std::lock_guard lock(mutex_);
    redirect_ = url;
}

std::vector<Recorded> RecordingServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

}  // namespace latchkey::itest
