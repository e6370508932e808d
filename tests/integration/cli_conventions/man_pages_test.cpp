// latchkey(1), generated from the program's help at build time, and the
// hand-written latchkey-policy(5): they render without a warning, and say
// what the program says (every command, every flag, every host site option).
#include <regex>
#include <sstream>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

const std::string kLatchkey1 = std::string(LATCHKEY_MAN_BUILD_DIR) + "/latchkey.1";
const std::string kPolicy5 = std::string(LATCHKEY_SOURCE_DIR) + "/docs/man/latchkey-policy.5";

// The page's roff source as text: font changes gone, \- a dash.
std::string page_text(const std::string& path) {
    std::string s = test::read_file(path);
    s = std::regex_replace(s, std::regex(R"(\\f[BIRP])"), "");
    s = std::regex_replace(s, std::regex(R"(\\-)"), "-");
    return s;
}

// The command names of `latchkey --help` ("sites add", ...).
std::vector<std::string> help_commands(const std::string& help) {
    std::vector<std::string> names;
    std::istringstream in(help.substr(help.find("commands:\n") + 10));
    for (std::string line; std::getline(in, line) && !line.empty();)
        names.push_back(line.substr(2, line.find("  ", 2) - 2));
    return names;
}

class ManPages : public CliTest {};

TEST_F(ManPages, RenderWithoutWarnings) {
    for (const std::string& page : {kLatchkey1, kPolicy5}) {
        // What lintian runs on every manual page of a package.
        RunOptions o = options({{"LC_ALL", "C.UTF-8"}, {"MANROFFSEQ", ""}, {"MANWIDTH", "80"}});
        std::vector<std::string> argv{"/usr/bin/man", "--warnings", "-E", "UTF-8",
                                      "-l",           "-Tutf8",     "-Z", page};
        auto r = test::run(argv, o);
        EXPECT_EQ(r.exit_code, 0) << page << "\n" << r.err;
        EXPECT_EQ(r.err, "") << page;
        EXPECT_GT(r.out.size(), 1000u) << page;
    }
}

TEST_F(ManPages, Latchkey1HasEveryCommandAndFlagOfTheHelp) {
    const std::string man = page_text(kLatchkey1);
    auto help = run_cli({"--help"});
    ASSERT_EQ(help.exit_code, 0) << help.err;
    auto commands = help_commands(help.out);
    ASSERT_GE(commands.size(), 15u) << help.out;
    for (auto& name : commands) {
        EXPECT_NE(man.find("latchkey " + name), std::string::npos) << name;
        std::vector<std::string> args;
        std::istringstream words(name);
        for (std::string w; words >> w;) args.push_back(w);
        args.push_back("--help");
        auto h = run_cli(args);
        ASSERT_EQ(h.exit_code, 0) << name << ": " << h.err;
        std::smatch m;
        std::string rest = h.out;
        while (std::regex_search(rest, m, std::regex(R"(\n  (?:-\w \[ )?(--[\w-]+))"))) {
            EXPECT_NE(man.find(m[1].str()), std::string::npos) << name << " " << m[1];
            rest = m.suffix();
        }
    }
    for (const char* global : {"--config", "--at", "--set", "--plugin-dir", "--output"})
        EXPECT_NE(man.find(global), std::string::npos) << global;
}

TEST_F(ManPages, PolicyPageHasEveryHostSiteOption) {
    const std::string man = page_text(kPolicy5);
    auto show = run_cli({"providers", "show", "api-key"});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    const std::string marker = "every site also takes: ";
    size_t at = show.out.find(marker);
    ASSERT_NE(at, std::string::npos) << show.out;
    std::istringstream keys(first_line(show.out.substr(at + marker.size())));
    int n = 0;
    for (std::string key; keys >> key; ++n)
        EXPECT_NE(man.find("\n.B " + key + "\n"), std::string::npos) << key;
    EXPECT_GE(n, 10);
    for (const char* key : {"default_site", "plugin_dirs", "dotenv", "backend", "encryption_key",
                            "previous_encryption_keys", "LATCHKEY_CONFIG", "LATCHKEY_SITE",
                            "LATCHKEY_STORAGE", "LATCHKEY_PLUGIN_PATH", "LATCHKEY_SECRETS_DIR"})
        EXPECT_NE(man.find(key), std::string::npos) << key;
    EXPECT_NE(man.find(".SH PRECEDENCE"), std::string::npos);
}

// `COMMAND --help` answers even when the command has required options.
TEST_F(ManPages, HelpOfACommandWithRequiredOptionsNeedsNone) {
    auto r = run_cli({"storage", "migrate", "--help"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("--from"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--to"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace latchkey::itest
