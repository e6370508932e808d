// Colour: on a terminal the program's error and warning prefixes are
// coloured; never with NO_COLOR, never for TERM=dumb, never into a pipe.
// The terminal is a real pseudo-terminal, made by script(1).
#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

class Colour : public CliTest {
 protected:
    // `latchkey --config MISSING token` (an error) with standard error on a
    // terminal; what the terminal showed.
    std::string on_terminal(const std::map<std::string, std::optional<std::string>>& env) {
        const std::string command = std::string(LATCHKEY_BUILD_DIR) + "/bin/latchkey --config " +
                                    sandbox_.file("missing.toml") + " token";
        std::vector<std::string> argv{"/usr/bin/script", "-qec", command, "/dev/null"};
        auto r = test::run(argv, options(env));
        record(argv, r);
        EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
        EXPECT_NE(r.out.find("no such policy file"), std::string::npos) << r.out;
        return r.out;
    }
};

TEST_F(Colour, ErrorsAreColouredOnATerminal) {
    std::string shown = on_terminal({{"TERM", "xterm"}, {"NO_COLOR", std::nullopt}});
    EXPECT_NE(shown.find("\x1b[1;31mlatchkey:\x1b[0m "), std::string::npos) << shown;
}

TEST_F(Colour, NoColorTurnsColourOff) {
    std::string shown = on_terminal({{"TERM", "xterm"}, {"NO_COLOR", "1"}});
    EXPECT_EQ(shown.find('\x1b'), std::string::npos) << shown;
    EXPECT_NE(shown.find("latchkey: "), std::string::npos) << shown;
}

TEST_F(Colour, ADumbTerminalGetsNoColour) {
    std::string shown = on_terminal({{"TERM", "dumb"}, {"NO_COLOR", std::nullopt}});
    EXPECT_EQ(shown.find('\x1b'), std::string::npos) << shown;
}

TEST_F(Colour, APipeGetsNoColour) {
    auto r = run_cli({"--config", sandbox_.file("missing.toml"), "token"},
                     {{"TERM", "xterm"}, {"NO_COLOR", std::nullopt}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err.rfind("latchkey: ", 0), 0u) << r.err;
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
}

}  // namespace
}  // namespace latchkey::itest
