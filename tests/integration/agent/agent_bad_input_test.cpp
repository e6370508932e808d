// What a careless or hostile client can send: each gets a clear status and
// a JSON error, leaves an audit line, and the next client is served.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

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

}  // namespace
}  // namespace latchkey::itest
