// The library side of the re-auth on 401: Host::invalidate(site, refused)
// forgets the credential only while it still is the refused one, so a 401
// that arrives late -- after another thread already replaced the token --
// does not throw the fresh one away (and cost another fetch). A library
// Host against the dev server.
#include <cstdlib>
#include <latchkey/host.hpp>
#include <thread>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

class StaleInvalidateTest : public DevServerTest {};

TEST_F(StaleInvalidateTest, ALate401ForAReplacedTokenKeepsTheFreshOne) {
    write_cc_policy();
    setenv(kSecretVar.c_str(), kSecret.c_str(), 1);
    HostOptions options;
    options.config_path = policy();
    options.storage = "memory";
    options.log_sink = [](LogLevel, const std::string&) {};
    auto host = Host::open(options);

    const std::string stale = host.token("dev").token();
    // Another thread's request got the 401 first: it invalidates and fetches anew.
    std::string fresh;
    std::thread([&] {
        host.invalidate("dev", stale);
        fresh = host.token("dev").token();
    }).join();
    ASSERT_NE(fresh, stale);
    ASSERT_EQ(server_.issued(kClient), 2);

    // This thread's 401 for the same stale token arrives now.
    host.invalidate("dev", stale);
    EXPECT_EQ(host.token("dev").token(), fresh);
    EXPECT_EQ(server_.issued(kClient), 2);
    EXPECT_EQ(whoami("Authorization: Bearer " + fresh).status, 200);

    // The current token refused: that one is replaced.
    host.invalidate("dev", fresh);
    EXPECT_NE(host.token("dev").token(), fresh);
    EXPECT_EQ(server_.issued(kClient), 3);
    unsetenv(kSecretVar.c_str());
}

}  // namespace
}  // namespace latchkey::itest
