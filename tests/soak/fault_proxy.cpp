#include "fault_proxy.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <random>
#include <stdexcept>

#include "soak_support.hpp"

namespace soak {

void Ledger::add(const std::string& token, Issue issue) {
    std::lock_guard g(mu_);
    by_token_[token] = issue;
    by_time_[issue.issued_us] = issue;
}

std::optional<Issue> Ledger::find(const std::string& token) const {
    std::lock_guard g(mu_);
    auto it = by_token_.find(token);
    if (it == by_token_.end()) return std::nullopt;
    return it->second;
}

std::optional<Issue> Ledger::latest_before(int64_t t_us) const {
    std::lock_guard g(mu_);
    auto it = by_time_.lower_bound(t_us);
    if (it == by_time_.begin()) return std::nullopt;
    return std::prev(it)->second;
}

std::vector<int64_t> Ledger::issue_times() const {
    std::lock_guard g(mu_);
    std::vector<int64_t> out;
    for (auto& [t, issue] : by_time_) out.push_back(t);
    return out;
}

FaultProxy::FaultProxy(const std::string& upstream_url, double fail_rate, int stall_ms)
    : fail_rate_(fail_rate), stall_ms_(stall_ms) {
    // upstream_url is the dev server's "http://127.0.0.1:PORT".
    const auto colon = upstream_url.rfind(':');
    const auto host_at = upstream_url.find("//");
    if (colon == std::string::npos || host_at == std::string::npos)
        throw std::runtime_error("unexpected dev server URL: " + upstream_url);
    upstream_host_ = upstream_url.substr(host_at + 2, colon - host_at - 2);
    upstream_port_ = std::stoi(upstream_url.substr(colon + 1));
    // Stalled requests hold a worker each: enough workers that the callers
    // never queue behind them.
    server_.new_task_queue = [] { return new httplib::ThreadPool(64); };
    server_.Post("/oauth2/token",
                 [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("the fault proxy cannot listen on 127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
}

FaultProxy::~FaultProxy() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
}

std::string FaultProxy::token_url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/oauth2/token";
}

ProxyCounts FaultProxy::counts() const {
    std::lock_guard g(counts_mu_);
    return counts_;
}

void FaultProxy::handle(const httplib::Request& req, httplib::Response& res) {
    std::uniform_real_distribution<double> coin(0.0, 1.0);
    const double draw = coin(rng());
    {
        std::lock_guard g(counts_mu_);
        ++counts_.requests;
    }
    if (draw < fail_rate_) {
        // Which failure: thirds of the failing share.
        const double part = draw / fail_rate_;
        std::string kind;
        if (part < 1.0 / 3) {
            kind = "500";
            res.status = 500;
            res.set_content(R"({"error":"server_error","error_description":"soak: injected"})",
                            "application/json");
        } else if (part < 2.0 / 3) {
            kind = "503";
            res.status = 503;
            res.set_content("<html><body><h1>503 Service Unavailable</h1></body></html>\n",
                            "text/html");
        } else {
            kind = "stall";
            sleep_us(int64_t(stall_ms_) * 1000);
            res.status = 504;
            res.set_content("<html><body><h1>504 Gateway Timeout</h1></body></html>\n",
                            "text/html");
        }
        std::lock_guard g(counts_mu_);
        ++counts_.failed;
        ++counts_.by_fault[kind];
        return;
    }

    httplib::Client upstream(upstream_host_, upstream_port_);
    upstream.set_connection_timeout(5, 0);
    upstream.set_read_timeout(10, 0);
    httplib::Headers headers;
    for (const char* h : {"Authorization", "Accept"})
        if (req.has_header(h)) headers.emplace(h, req.get_header_value(h));
    const std::string type = req.get_header_value("Content-Type");
    auto answer = upstream.Post("/oauth2/token", headers, req.body,
                                type.empty() ? "application/x-www-form-urlencoded" : type.c_str());
    const int64_t at = now_us();
    if (!answer) {
        res.status = 502;
        res.set_content("soak proxy: the dev server did not answer\n", "text/plain");
        return;
    }
    if (answer->status == 200) {
        rapidjson::Document doc;
        doc.Parse(answer->body.c_str(), answer->body.size());
        if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("access_token") &&
            doc["access_token"].IsString() && doc.HasMember("expires_in") &&
            doc["expires_in"].IsNumber()) {
            const double lifetime_s = doc["expires_in"].GetDouble();
            ledger_.add(doc["access_token"].GetString(),
                        Issue{at, at + static_cast<int64_t>(lifetime_s * 1e6)});
            std::lock_guard g(counts_mu_);
            ++counts_.issued;
        }
    }
    res.status = answer->status;
    res.set_content(answer->body, answer->get_header_value("Content-Type").c_str());
    for (const char* h : {"Cache-Control", "Pragma", "WWW-Authenticate", "Retry-After"})
        if (answer->has_header(h)) res.set_header(h, answer->get_header_value(h));
}

}  // namespace soak
