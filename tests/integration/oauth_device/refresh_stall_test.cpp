// A slow or unreachable token endpoint during a refresh, against the dev
// server, which rotates refresh tokens and revokes the whole login when one is
// presented twice (RFC 9700 reuse detection). A refresh request that may have
// reached the server is never sent again; one that never left is retried; a
// refresh gets its own, longer timeout (`refresh_timeout`). The server counts
// every request, so "sent once" is checked where it matters.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "device_fixture.hpp"

namespace latchkey::itest {
namespace {

using namespace std::chrono_literals;

// A TCP forwarder on 127.0.0.1 in front of the dev server whose listening
// socket can be closed (a connection is then refused, as with a server that
// is down) and opened again on the same port.
class Forwarder {
 public:
    explicit Forwarder(int target_port) : target_(target_port) { open(); }
    ~Forwarder() {
        close_listener();
        for (auto& t : pumps_) t.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    void open() {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(port_));
        socklen_t len = sizeof a;
        if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 16) != 0 ||
            getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("forwarder: cannot listen on 127.0.0.1");
        port_ = ntohs(a.sin_port);
        stop_ = false;
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    void close_listener() {
        stop_ = true;
        if (acceptor_.joinable()) acceptor_.join();
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

 private:
    void accept_loop() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, 50) <= 0) continue;
            int in = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (in < 0) continue;
            int out = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            a.sin_port = htons(static_cast<uint16_t>(target_));
            if (connect(out, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
                ::close(in);
                ::close(out);
                continue;
            }
            pumps_.emplace_back([in, out] { pump(in, out); });
        }
    }
    // Copies bytes both ways until either side closes.
    static void pump(int a, int b) {
        char buf[16384];
        for (;;) {
            pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
            if (poll(p, 2, 30'000) <= 0) break;
            int from = (p[0].revents != 0) ? a : b;
            int to = from == a ? b : a;
            ssize_t n = read(from, buf, sizeof buf);
            if (n <= 0 || write(to, buf, static_cast<size_t>(n)) != n) break;
        }
        ::close(a);
        ::close(b);
    }

    int target_;
    int port_ = 0;
    int fd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread acceptor_;
    std::vector<std::thread> pumps_;
};

class RefreshStall : public DeviceTest {
 protected:
    // One-second access tokens, so the next call after a short sleep must
    // refresh; each request may take `timeout`, a refresh `refresh_timeout`.
    void start_stall_site(const std::string& timeout, const std::string& refresh_timeout,
                          const std::string& extra_site = "") {
        start_device({"--token-lifetime", "1"}, "scopes = [\"offline_access\"]\ntimeout = \"" +
                                                    timeout + "\"\nrefresh_timeout = \"" +
                                                    refresh_timeout + "\"\n" + extra_site);
    }
    int token_requests() { return server().stats()["token_requests"].GetInt(); }
    int counter(const char* name) {
        auto d = server().stats();
        if (!d.HasMember("counters") || !d["counters"].HasMember(name)) return 0;
        return d["counters"][name].GetInt();
    }
    // Whether the dev server issued access token `token`, asked without
    // using it: a short-lived token cannot be checked at the API reliably,
    // since the server counts expiry in whole seconds (a "1 s" token issued
    // at x.9 s is dead at x+1). The server keeps an expired token until it
    // issues the next one, and revoking says how many tokens it matched.
    bool server_issued(const std::string& token) {
        return server().revoke_tokens("{\"token\": \"" + token +
                                      "\", \"type\": \"access_token\"}") == 1;
    }
};

TEST_F(RefreshStall, AStallLongerThanTimeoutButShorterThanRefreshTimeoutStillRefreshes) {
    // Tokens live an hour, and every call refreshes ahead of expiry
    // (refresh_before is longer than the lifetime): each refreshed token is
    // checked at the API an hour before it could expire, however slowly the
    // test runs. A refresh that gave up would serve the held token on, so
    // each call must print a new one.
    start_device({},
                 "scopes = [\"offline_access\"]\ntimeout = \"1s\"\nrefresh_timeout = \"8s\"\n"
                 "refresh_before = \"2h\"\n");
    login_approved();
    auto first = lk({"token"});  // refreshes at once, no stall
    ASSERT_EQ(first.exit_code, 0) << first.err;
    std::string held = first_line(first.out);
    int before = token_requests();
    server().fault("delay", 1, 0, /*delay_ms=*/2500);

    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string refreshed = first_line(r.out);
    EXPECT_NE(refreshed, held) << "the stalled refresh gave up: " << r.err;
    EXPECT_EQ(r.err.find("refresh failed"), std::string::npos) << r.err;
    EXPECT_EQ(whoami_status(refreshed), 200);
    EXPECT_EQ(token_requests() - before, 1) << "the refresh was sent more than once";
    EXPECT_EQ(refresh_grants(), 2);
    EXPECT_EQ(counter("refresh_replays"), 0);

    // The login survives: the rotated refresh token works next time.
    auto again = lk({"token"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(first_line(again.out), refreshed);
    EXPECT_EQ(whoami_status(first_line(again.out)), 200);
    EXPECT_EQ(refresh_grants(), 3);
    EXPECT_EQ(counter("refresh_replays"), 0);
}

TEST_F(RefreshStall, AStallLongerThanRefreshTimeoutIsNotResentAndSaysWhatToDo) {
    start_stall_site("1s", "2s");
    login_approved();
    std::this_thread::sleep_for(1200ms);
    int before = token_requests();
    server().fault("delay", 1, 0, /*delay_ms=*/4000);

    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("the refresh request got no answer"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("is not sent again"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("run `latchkey login --at dev`"), std::string::npos) << r.err;

    // The stalled server finishes the request it got, and only that one.
    std::this_thread::sleep_for(2500ms);
    EXPECT_EQ(token_requests() - before, 1) << "the refresh token was sent again";
    EXPECT_EQ(counter("refresh_replays"), 0);

    // Another process does not send it either: it was dropped from storage.
    auto next = lk({"token"});
    EXPECT_EQ(next.exit_code, 3) << next.err;
    EXPECT_NE(next.err.find("latchkey login --at dev"), std::string::npos) << next.err;
    EXPECT_EQ(token_requests() - before, 1) << "a later process resent the refresh token";
    EXPECT_EQ(counter("refresh_replays"), 0);
}

TEST_F(RefreshStall, AConnectionRefusedIsRetriedAndKeepsTheRefreshToken) {
    start_device({"--token-lifetime", "1"});
    Forwarder forwarder(std::stoi(url().substr(url().rfind(':') + 1)));
    write_policy(device_site("scopes = [\"offline_access\"]\ntoken_url = \"" + forwarder.url() +
                             "/oauth2/token\"\n"));
    login_approved();
    std::this_thread::sleep_for(1200ms);  // expired: the next token needs the refresh
    int before = token_requests();

    forwarder.close_listener();  // the token endpoint refuses connections
    auto r = lk({"-v", "token"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("Couldn't connect to server"), std::string::npos) << r.err;
    // Nothing reached the server, so every attempt of the budget was made.
    size_t retries = 0;
    for (size_t at = 0; (at = r.err.find("; retrying in ", at)) != std::string::npos; ++at)
        ++retries;
    EXPECT_EQ(retries, 3u) << r.err;
    EXPECT_EQ(r.err.find("no answer"), std::string::npos) << r.err;
    EXPECT_EQ(token_requests(), before);

    // The refresh token was kept: once the endpoint is back, it refreshes.
    forwarder.open();
    auto back = lk({"token"});
    ASSERT_EQ(back.exit_code, 0) << back.err;
    // The refresh's token: the login's expired and was dropped when it came.
    EXPECT_TRUE(server_issued(first_line(back.out))) << back.out;
    EXPECT_EQ(token_requests() - before, 1);
    EXPECT_EQ(refresh_grants(), 1);
    EXPECT_EQ(counter("refresh_replays"), 0);
}

TEST_F(RefreshStall, RefreshTimeoutIsBounded) {
    start_stall_site("1s", "11m");
    auto r = lk({"config", "check"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("refresh_timeout: at most 10m"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest
