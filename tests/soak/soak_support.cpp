#include "soak_support.hpp"

#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <thread>
#include <vector>

namespace soak {
namespace {

std::atomic<bool> g_stop{false};

void on_stop(int) { g_stop.store(true); }

}  // namespace

int64_t now_us() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

void install_stop_handler() {
    struct sigaction sa {};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    // A CLI child that dies while we write to it must not end the driver.
    signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() { return g_stop.load(std::memory_order_relaxed); }

bool sleep_us(int64_t us) {
    const int64_t end = now_us() + us;
    while (!stop_requested()) {
        const int64_t left = end - now_us();
        if (left <= 0) return true;
        std::this_thread::sleep_for(std::chrono::microseconds(std::min<int64_t>(left, 100'000)));
    }
    return false;
}

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    const bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    if (fd >= 0) close(fd);
    if (!ok) throw std::runtime_error("cannot find a free port on 127.0.0.1");
    return ntohs(a.sin_port);
}

RedisServer::RedisServer(const std::string& dir) : port_(free_port()) {
    std::string server;
    for (const char* p : {"/usr/bin/redis-server", "/usr/sbin/redis-server",
                          "/usr/local/bin/redis-server"})
        if (access(p, X_OK) == 0) server = p;
    if (server.empty())
        throw std::runtime_error("redis-server is not installed (Debian package redis-server; "
                                 "run tools/setup)");
    child_ = std::make_unique<latchkey::test::Child>(std::vector<std::string>{
        server, "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", dir, "--loglevel", "warning"});
    for (int i = 0; i < 500; ++i) {
        redisContext* c = redisConnect("127.0.0.1", port_);
        bool ok = false;
        if (c && !c->err) {
            auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
            ok = r && r->type == REDIS_REPLY_STATUS;
            if (r) freeReplyObject(r);
        }
        if (c) redisFree(c);
        if (ok) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("redis-server did not answer PING within 10 s");
}

void row(const std::string& scenario, const std::string& figure, const std::string& value,
         const std::string& goal) {
    std::printf("| %s | %s | %s | %s |\n", scenario.c_str(), figure.c_str(), value.c_str(),
                goal.c_str());
    std::fflush(stdout);
}

std::string fixed(double v, int decimals) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, v);
    return b;
}

std::mt19937_64& rng() {
    thread_local std::mt19937_64 g(std::random_device{}());
    return g;
}

}  // namespace soak

namespace soak {

const char* const kSoakClient = "soak:soak-secret";
const char* const kSoakSecret = "soak-secret";

std::string soak_policy(const std::string& token_url, const std::string& storage_section,
                        const std::string& timeout) {
    return "default_site = \"soak\"\n\n" + storage_section +
           "\n[sites.soak]\n"
           "provider = \"oauth2-client-credentials\"\n"
           "token_url = \"" +
           token_url +
           "\"\n"
           "client_id = \"soak\"\n"
           "client_secret = { env = \"LATCHKEY_SOAK_SECRET\" }\n"
           "timeout = \"" +
           timeout + "\"\n";
}

}  // namespace soak
