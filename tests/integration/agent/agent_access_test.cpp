// Per-caller access: the kernel names the caller (SO_PEERCRED, then
// /proc/PID/exe), the site's `allow` list decides, and a refused caller
// learns that and why, but not which sites exist.
#include <sys/stat.h>

#include "agent_fixture.hpp"

namespace latchkey::itest {
namespace {

using AgentAccess = AgentTest;

TEST_F(AgentAccess, AnExeRuleAdmitsThatProgramOnly) {
    write_cc_policy("allow = [{ exe = \"/usr/bin/git\" }]\n");
    start_agent();
    auto r = curl("/v1/token?site=dev");
    EXPECT_EQ(r.status, 403) << r.body;
    auto doc = parse_json(r.body);  // kept: the object below points into it
    auto err = doc["error"].GetObject();
    EXPECT_EQ(std::string(err["kind"].GetString()), "refused");
    std::string message = err["message"].GetString();
    EXPECT_NE(message.find("exe /usr/bin/curl may not read site 'dev': none of the site's 1 allow "
                           "rules"),
              std::string::npos)
        << message;
    EXPECT_EQ(token_requests(), 0);
    EXPECT_NE(audit().find("site=dev decision=refused endpoint=/v1/token uid=0"),
              std::string::npos);

    // Allowing curl's own path lets it in.
    write_cc_policy("allow = [{ exe = \"/usr/bin/git\" }, { exe = \"/usr/bin/curl\" }]\n");
    stop_agent();
    start_agent();
    auto ok = curl("/v1/token?site=dev");
    ASSERT_EQ(ok.status, 200) << ok.body;
    token_like(json_string(parse_json(ok.body), "token"));
}

TEST_F(AgentAccess, AnotherUserLearnsItWasRefusedNotWhichSitesExist) {
    // A socket other users may reach: 0666 in a directory they may pass through.
    test::TempDir shared;
    chmod(shared.path().c_str(), 0711);
    socket_ = shared.file("agent/agent.sock");
    write_cc_policy("allow = [{ uid = 4242 }]\n");
    start_agent({"--socket-mode", "0666"});
    auto as_nobody = [&](const std::string& site) {
        return test::run({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                          "/usr/bin/curl", "-sS", "--max-time", "10", "--unix-socket", socket_,
                          "http://agent/v1/token?site=" + site},
                         options());
    };
    auto existing = as_nobody("dev");
    auto missing = as_nobody("nosuch");
    auto e1 = parse_json(existing.out);
    auto e2 = parse_json(missing.out);
    std::string m1 = e1["error"]["message"].GetString(), m2 = e2["error"]["message"].GetString();
    EXPECT_NE(m1.find("refused: this agent serves no site 'dev' to uid 65534"), std::string::npos)
        << m1;
    // Word for word the same, but for the name asked for and curl's pid.
    auto same_words = [](std::string m, const std::string& site) {
        m.replace(m.find(site), site.size(), "'X'");
        auto pid = m.find(" pid ") + 5;
        return m.erase(pid, m.find(' ', pid) - pid);
    };
    EXPECT_EQ(same_words(m1, "'dev'"), same_words(m2, "'nosuch'"));
    auto lines = audit();
    EXPECT_NE(lines.find("site=dev decision=refused endpoint=/v1/token uid=65534"),
              std::string::npos)
        << lines;

    // The uid the rule names would be let in; the agent's own user is not,
    // since the list replaces the default.
    auto own = curl("/v1/token?site=dev");
    EXPECT_EQ(own.status, 403) << own.body;
}

TEST_F(AgentAccess, ABadAllowListIsAPolicyErrorAtItsPosition) {
    write_cc_policy("allow = [{ uid = 1000 }, { usr = \"ada\" }]\n");
    auto r = lk({"config", "check"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE((r.out + r.err)
                  .find("policy.toml:6:28: allow: unknown caller kind 'usr'; did you "
                        "mean 'uid'?"),
              std::string::npos)
        << r.out << r.err;
    write_cc_policy("allow = [{ exe = \"git\" }]\n");
    r = lk({"token"});
    EXPECT_NE(r.err.find("allow: exe: expected an absolute path"), std::string::npos) << r.err;
    write_cc_policy("allow = [{ uid = -1 }]\n");
    r = lk({"token"});
    EXPECT_NE(r.err.find("allow: uid: expected a user id"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest
