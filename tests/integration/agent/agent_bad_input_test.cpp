// What a careless or hostile client can send: each gets a clear status and
// a JSON error, leaves an audit line, and the next client is served.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "agent_fixture.hpp"

namespace latchkey::itest {
namespace {

using AgentBadInput = AgentTest;

std::string status_line(const std::string& response) { return first_line(response); }

TEST_F(AgentBadInput, EachGetsAStatusAJsonErrorAndAnAuditLine) {
    write_cc_policy();
    start_agent({"--max-body", "1024"});

    auto unknown = curl("/v1/token?site=nosuch");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(json_string(parse_json(unknown.body)["error"], "kind"), "unknown_site");

    auto big = curl("/v1/invalidate?site=dev", {"-X", "POST", "--data", std::string(4096, 'x')});
    EXPECT_EQ(big.status, 413) << big.body;
    EXPECT_NE(big.body.find("over the limit of 1024 bytes"), std::string::npos) << big.body;

    auto not_json = curl("/v1/invalidate?site=dev", {"-X", "POST", "--data", "{nope"});
    EXPECT_EQ(not_json.status, 400) << not_json.body;

    auto bad_duration = curl("/v1/token?site=dev&min_valid=soon");
    EXPECT_EQ(bad_duration.status, 400);
    EXPECT_NE(bad_duration.body.find("min_valid: expected a duration"), std::string::npos);

    auto encoded = curl("/v1/token?site=d%65v");
    EXPECT_EQ(encoded.status, 400);

    auto nowhere = curl("/v2/anything");
    EXPECT_EQ(nowhere.status, 404);
    EXPECT_NE(nowhere.body.find("the agent serves GET /v1/health"), std::string::npos);

    auto garbage = raw("GARBAGE\r\n\r\n");
    EXPECT_EQ(status_line(garbage), "HTTP/1.1 400 Bad Request\r") << garbage;
    EXPECT_NE(garbage.find("\"kind\":\"bad_request\""), std::string::npos) << garbage;

    auto huge_header =
        raw("GET /v1/health HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    EXPECT_EQ(status_line(huge_header), "HTTP/1.1 431 Request Header Fields Too Large\r");

    // Still serving.
    auto ok = curl("/v1/token?site=dev");
    ASSERT_EQ(ok.status, 200) << ok.body;
    token_like(json_string(parse_json(ok.body), "token"));

    auto lines = audit();
    for (auto needle : {"site=nosuch decision=invalid",
                        "decision=invalid endpoint=- uid=", "reason=\"malformed HTTP request",
                        "over the limit of 1024 bytes", "reason=\"min_valid: expected a duration"})
        EXPECT_NE(lines.find(needle), std::string::npos) << needle << "\n" << lines;
}

TEST_F(AgentBadInput, ASlowRequestHoldsNobodyElseUpAndIsCutOff) {
    write_cc_policy();
    start_agent({"--request-timeout", "1s"});
    // Half a request, never finished, on its own connection.
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string half = "GET /v1/token?site=dev HTTP/1.1\r\nHost: x\r\n";
    ASSERT_EQ(write(fd, half.data(), half.size()), static_cast<ssize_t>(half.size()));

    auto other = curl("/v1/health");
    EXPECT_EQ(other.status, 200) << "a half-sent request held another client up";

    // The slow one gets 408 once its second is up, then the connection closes.
    std::string answer;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) answer.append(buf, static_cast<size_t>(n));
    close(fd);
    EXPECT_EQ(status_line(answer), "HTTP/1.1 408 Request Timeout\r") << answer;
    EXPECT_NE(audit().find("did not arrive whole within 1000 ms"), std::string::npos);
}

TEST_F(AgentBadInput, PastTheConnectionLimitANewConnectionGets503) {
    write_cc_policy();
    start_agent({"--max-connections", "2"});
    auto open_one = [&] {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, socket_.c_str(), sizeof addr.sun_path - 1);
        EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        return fd;
    };
    int a = open_one(), b = open_one();
    // Both idle connections are accepted (and held); the third is turned away.
    for (int i = 0; i < 50; ++i) {
        auto r = raw("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", 500);
        if (status_line(r) == "HTTP/1.1 503 Service Unavailable\r") {
            EXPECT_NE(r.find("connections open, its limit"), std::string::npos) << r;
            close(a);
            close(b);
            return;
        }
    }
    close(a);
    close(b);
    ADD_FAILURE() << "no 503 past the connection limit";
}

}  // namespace
}  // namespace latchkey::itest

namespace latchkey::itest {
namespace {

TEST_F(AgentBadInput, AHangingProviderCostsItsOwnSiteATimeoutNotTheAgent) {
    // `hang`'s program never answers within its 2 s timeout.
    write_policy(cc_site("dev") +
                 "[sites.hang]\nprovider = \"exec\"\ncommand = [\"/bin/sleep\", \"20\"]\n"
                 "timeout = \"2s\"\n");
    start_agent();
    std::atomic<bool> hang_answered{false};
    CurlResult hang;
    std::thread waiter([&] {
        hang = curl("/v1/token?site=hang");
        hang_answered = true;
    });
    // While `hang` waits for its program, `dev` is served, over and over.
    for (int i = 0; i < 3; ++i) {
        auto ok = curl("/v1/token?site=dev");
        ASSERT_EQ(ok.status, 200) << ok.body;
        token_like(json_string(parse_json(ok.body), "token"));
    }
    EXPECT_FALSE(hang_answered) << "the hanging site answered before the others were served";
    waiter.join();
    // The exec provider reports its program's timeout as an internal error.
    EXPECT_EQ(hang.status, 500) << hang.body;
    EXPECT_NE(hang.body.find("timed out after 2s"), std::string::npos) << hang.body;
    EXPECT_NE(audit().find("site=hang decision=failed"), std::string::npos) << audit();
}

TEST_F(AgentBadInput, ACachedCredentialIsServedWhileItsSitesProviderHangs) {
    // `busy`'s program answers once (a token for an hour), then hangs.
    std::string started = sandbox_.file("started"), hanging = sandbox_.file("hanging");
    std::string program = sandbox_.write(
        "busy.sh",
        "#!/bin/sh\nif [ -e " + started + " ]; then : > " + hanging +
            "; exec /bin/sleep 20; fi\n: > " + started +
            // An hour from now, to the millisecond (1765100000123e-3 s).
            "\necho \"{\\\"token\\\": \\\"busy-Token-7f3a91c2d4e5\\\", \\\"expires_at\\\": "
            "$(( $(date +%s%N) / 1000000 + 3600000 ))e-3}\"\n",
        0700);
    write_policy("[sites.busy]\nprovider = \"exec\"\ncommand = [\"" + program +
                 "\"]\ntimeout = \"2s\"\n");
    start_agent();
    auto first = curl("/v1/token?site=busy");
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(json_string(parse_json(first.body), "token"), "busy-Token-7f3a91c2d4e5");
    auto fetched = std::chrono::steady_clock::now();
    // Two callers that need all but the last 500 ms of its hour, once 700 ms
    // have passed: a fetch, whose program hangs. They hold both of the
    // site's provider threads (one runs the program, the other waits for
    // that fetch).
    std::this_thread::sleep_until(fetched + std::chrono::milliseconds(700));
    // The sockets the agent holds: its listening socket, its provider
    // helpers' and one per connection.
    auto sockets = [&] {
        int n = 0;
        std::string fd_dir = "/proc/" + std::to_string(agent_pid()) + "/fd";
        for (auto& e : std::filesystem::directory_iterator(fd_dir)) {
            std::error_code ec;
            auto target = std::filesystem::read_symlink(e.path(), ec);
            if (!ec && target.string().rfind("socket:", 0) == 0) ++n;
        }
        return n;
    };
    int idle = sockets();
    std::atomic<int> long_answered{0};
    std::vector<std::thread> longer;
    for (int i = 0; i < 2; ++i)
        longer.emplace_back([&] {
            curl("/v1/token?site=busy&min_valid=3599500ms");
            ++long_answered;
        });
    struct JoinAll {
        std::vector<std::thread>& threads;
        ~JoinAll() {
            for (auto& t : threads)
                if (t.joinable()) t.join();
        }
    } join_all{longer};
    // Both connections accepted, and the program hanging: their requests
    // were read (in order, before any later one) and hold the threads.
    for (int i = 0; i < 1000 && (sockets() < idle + 2 || !std::filesystem::exists(hanging)); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_GE(sockets(), idle + 2) << "the two callers did not connect";
    ASSERT_TRUE(std::filesystem::exists(hanging)) << "the fetch did not start";
    // The cached credential still answers, ahead of the hanging fetch.
    auto cached = curl("/v1/token?site=busy");
    int answered_before = long_answered;
    ASSERT_EQ(cached.status, 200) << cached.body;
    EXPECT_EQ(json_string(parse_json(cached.body), "token"), "busy-Token-7f3a91c2d4e5");
    EXPECT_EQ(answered_before, 0) << "the cached credential waited for the site's hanging provider";
    for (auto& t : longer) t.join();
    EXPECT_EQ(long_answered, 2);
}

}  // namespace
}  // namespace latchkey::itest

namespace latchkey::itest {
namespace {

// A connection to the agent's socket that the test drives by hand.
class Connection {
 public:
    explicit Connection(const std::string& path)
        : fd_(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~Connection() { close(fd_); }
    bool connected() const { return connected_; }
    bool send(const std::string& bytes) {
        return write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    }
    // Reads until `until` has arrived, the agent closes, or `timeout_ms` passes.
    std::string read_until(const std::string& until, int timeout_ms = 5000) {
        std::string out;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        while (out.find(until) == std::string::npos &&
               std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, 50) <= 0) continue;
            char buf[4096];
            ssize_t n = read(fd_, buf, sizeof buf);
            if (n <= 0) break;
            out.append(buf, static_cast<size_t>(n));
        }
        return out;
    }

 private:
    int fd_;
    bool connected_ = false;
};

TEST_F(AgentBadInput, AMalformedHeaderOrAnOversizedOrUnfinishedBodyHoldsNobodyUp) {
    write_cc_policy();
    start_agent({"--request-timeout", "1s", "--max-body", "1024"});
    // A keep-alive client served before, during and after the bad ones.
    Connection keeper(socket_);
    ASSERT_TRUE(keeper.connected());
    const std::string health = "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_TRUE(keeper.send(health));
    EXPECT_EQ(status_line(keeper.read_until("}")), "HTTP/1.1 200 OK\r");

    auto no_colon = raw("GET /v1/health HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n");
    EXPECT_EQ(status_line(no_colon), "HTTP/1.1 400 Bad Request\r") << no_colon;
    EXPECT_NE(no_colon.find("\"kind\":\"bad_request\""), std::string::npos) << no_colon;

    // A body announced past the cap is refused at once, before it is sent.
    auto start = std::chrono::steady_clock::now();
    auto announced =
        raw("POST /v1/invalidate?site=dev HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n",
            900);
    EXPECT_EQ(status_line(announced), "HTTP/1.1 413 Payload Too Large\r") << announced;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));

    // A body that never finishes: cut off at the request timeout, while the
    // keep-alive client goes on being served.
    Connection slow(socket_);
    ASSERT_TRUE(
        slow.send("POST /v1/invalidate?site=dev HTTP/1.1\r\nHost: x\r\n"
                  "Content-Length: 50\r\n\r\n{\"token\":"));
    ASSERT_TRUE(keeper.send("GET /v1/token?site=dev HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto served = keeper.read_until("expires_at_ms");
    EXPECT_EQ(status_line(served), "HTTP/1.1 200 OK\r") << served;
    token_like(json_string(parse_json(served.substr(served.find("\r\n\r\n") + 4)), "token"));
    auto cut = slow.read_until("}", 5000);
    EXPECT_EQ(status_line(cut), "HTTP/1.1 408 Request Timeout\r") << cut;

    ASSERT_TRUE(keeper.send(health));
    EXPECT_EQ(status_line(keeper.read_until("}")), "HTTP/1.1 200 OK\r");
    auto lines = audit();
    EXPECT_NE(lines.find("decision=invalid endpoint=- uid="), std::string::npos) << lines;
    EXPECT_NE(lines.find("did not arrive whole within 1000 ms"), std::string::npos) << lines;
    EXPECT_NE(lines.find("over the limit of 1024 bytes"), std::string::npos) << lines;
}

TEST_F(AgentBadInput, WhatABadRequestCarriesIsNeverEchoedNorLogged) {
    write_cc_policy();
    start_agent();
    const std::string secret = "s3cret-InBadBody-0d9a";
    for (std::string body : {"{\"token\": \"" + secret,            // not JSON
                             "{\"token\": [\"" + secret + "\"]}",  // token not a string
                             "[\"" + secret + "\"]"}) {            // not an object
        auto r = curl("/v1/invalidate?site=dev", {"-X", "POST", "--data", body});
        EXPECT_EQ(r.status, 400) << body << ": " << r.body;
        EXPECT_EQ(json_string(parse_json(r.body)["error"], "kind"), "bad_request");
        EXPECT_EQ(r.body.find(secret), std::string::npos) << r.body;
    }
    auto lines = audit();
    EXPECT_EQ(lines.find(secret), std::string::npos) << lines;
    EXPECT_NE(lines.find("site=dev decision=invalid endpoint=/v1/invalidate"), std::string::npos)
        << lines;
    // Nothing was invalidated: the site's first token is still the one served.
    auto a = curl("/v1/token?site=dev"), b = curl("/v1/token?site=dev");
    ASSERT_EQ(a.status, 200) << a.body;
    token_like(json_string(parse_json(a.body), "token"));
    EXPECT_EQ(json_string(parse_json(a.body), "token"), json_string(parse_json(b.body), "token"));
    EXPECT_EQ(token_requests(), 1);
}

}  // namespace
}  // namespace latchkey::itest
