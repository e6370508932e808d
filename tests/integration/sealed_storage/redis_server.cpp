#include "redis_server.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "cli_test.hpp"

namespace latchkey::itest {

RedisServer::RedisServer() : port_(closed_port()) {
    child_ = std::make_unique<test::Child>(std::vector<std::string>{
        "/usr/bin/redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save",
        "", "--appendonly", "no", "--dir", dir_.path(), "--loglevel", "warning"});
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
        if (cli({"PING"}) == "PONG") return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("redis-server on 127.0.0.1:" + std::to_string(port_) +
                             " did not answer PING within 10 s (is redis-server installed?)");
}

RedisServer::~RedisServer() {
    if (child_) child_->stop(9);
}

std::string RedisServer::cli(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{"/usr/bin/redis-cli", "-h", "127.0.0.1", "-p",
                                  std::to_string(port_)};
    argv.insert(argv.end(), args.begin(), args.end());
    test::RunOptions o;
    o.timeout_ms = 5'000;
    auto r = test::run(argv, o);
    std::string out = r.out;
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

std::vector<std::string> RedisServer::keys(const std::string& pattern) const {
    std::vector<std::string> out;
    std::string all = cli({"--scan", "--pattern", pattern});
    size_t start = 0;
    while (start < all.size()) {
        size_t end = all.find('\n', start);
        if (end == std::string::npos) end = all.size();
        if (end > start) out.push_back(all.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

}  // namespace latchkey::itest
