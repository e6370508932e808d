// `latchkey exec`: the real CLI runs real programs (sh, printf) with the
// site's token in their environment; exit codes and signals pass through.
#include <sys/stat.h>

#include <csignal>
#include <filesystem>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

const std::string kKey = "key-Exec-9d1f27";

class ExecTest : public CliTest {
 protected:
    ExecTest() {
        write_policy("[sites.api]\nprovider = \"api-key\"\napi_key = \"" + kKey + "\"\n");
        never_print(kKey);
    }
};

TEST_F(ExecTest, TheTokenIsInTheDefaultVariableAndTheExitCodePassesThrough) {
    // The program compares; the token is never printed.
    auto r = lk({"exec", "--", "sh", "-c", R"(test "$LATCHKEY_TOKEN" = "$WANT" && exit 7; exit 1)"},
                {{"WANT", kKey}});
    EXPECT_EQ(r.exit_code, 7) << r.err;
    EXPECT_EQ(r.err, "");
}

TEST_F(ExecTest, NamedVariablesGetTheTokenAndTheHeaderLine) {
    auto r =
        lk({"exec", "--env", "API_TOKEN", "--header-env=API_HEADER", "--", "sh", "-c",
            R"([ "$API_TOKEN" = "$WANT" ] && [ "$API_HEADER" = "Authorization: Bearer $WANT" ] &&
                    [ -z "${LATCHKEY_TOKEN+set}" ])"},
           {{"WANT", kKey}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(ExecTest, GlobalOptionsAfterTheCommandNameAreLatchkeysAndTheProgramsWordsAreItsOwn) {
    // No shell: every word reaches the program as it is; -o, -v and --at
    // after the program's name are the program's.
    auto r = run_cli({"exec", "--config", policy(), "--at", "api", "printf", "%s|", "a b;$HOME",
                      "*", "-o", "json", "-v", "--at", "x"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "a b;$HOME|*|-o|json|-v|--at|x|");
}

TEST_F(ExecTest, AProgramThatIsNotFoundOrNotExecutableGetsTheShellsExitCodes) {
    auto missing = lk({"exec", "--", "no-such-program-4b1e"});
    EXPECT_EQ(missing.exit_code, 127);
    EXPECT_NE(missing.err.find("no-such-program-4b1e: command not found"), std::string::npos)
        << missing.err;
    std::string plain = sandbox_.write("not-executable", "#!/bin/sh\nexit 0\n");
    chmod(plain.c_str(), 0644);
    auto denied = lk({"exec", "--", plain});
    EXPECT_EQ(denied.exit_code, 126);
    EXPECT_NE(denied.err.find("Permission denied"), std::string::npos) << denied.err;
    auto none = lk({"exec", "--env", "X"});
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_NE(none.err.find("name the program to run"), std::string::npos) << none.err;
    std::string ran = sandbox_.file("ran");
    auto unknown = lk({"exec", "--at", "nope", "--", "touch", ran});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.err.find("unknown site 'nope'"), std::string::npos) << unknown.err;
    EXPECT_FALSE(std::filesystem::exists(ran));  // no credential, no program
    auto bad_name = lk({"exec", "--env", "A-B", "--", "true"});
    EXPECT_EQ(bad_name.exit_code, 2);
    EXPECT_NE(bad_name.err.find("not a variable name"), std::string::npos) << bad_name.err;
}

TEST_F(ExecTest, SignalsSentToLatchkeyReachTheProgram) {
    for (auto [sig, name] : {std::pair{SIGTERM, "TERM"},
                             {SIGINT, "INT"},
                             {SIGHUP, "HUP"},
                             {SIGQUIT, "QUIT"},
                             {SIGUSR1, "USR1"},
                             {SIGUSR2, "USR2"}}) {
        SCOPED_TRACE(name);
        std::string script = std::string("trap 'kill $! 2>/dev/null; echo got-") + name +
                             "; exit 42' " + name + "; echo ready; sleep 30 & wait";
        test::Child child(
            {LATCHKEY_CLI_PATH, "--config", policy(), "exec", "--", "sh", "-c", script}, options());
        ASSERT_EQ(child.read_line(10'000), "ready");
        EXPECT_EQ(child.stop(sig), 42);
        EXPECT_EQ(child.read_line(5'000), std::string("got-") + name);
    }
}

TEST_F(ExecTest, AProgramKilledByASignalKillsLatchkeyWithTheSameSignal) {
    auto r = lk({"exec", "--", "sh", "-c", "kill -USR1 $$"});
    EXPECT_EQ(r.exit_code, 128 + SIGUSR1);
}

}  // namespace
}  // namespace latchkey::itest
