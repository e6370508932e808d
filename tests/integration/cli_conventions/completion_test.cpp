// Shell completion (host/cli/completion) driven by the real shells: bash
// calls the function `complete -p latchkey` names, as it does on TAB; zsh
// runs interactively on a pseudo-terminal (zsh_complete.zsh). Commands and
// flags come from the built latchkey's help, site names from the policy and
// provider names from the build tree's plugins.
#include <regex>
#include <set>
#include <sstream>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

const std::string kCompletionDir = std::string(LATCHKEY_SOURCE_DIR) + "/host/cli/completion";

std::string quoted(const std::string& word) {
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

class Completion : public CliTest {
 protected:
    Completion() {
        write_policy(
            "default_site = \"alpha\"\n"
            "[sites.alpha]\nprovider = \"api-key\"\napi_key = \"k\"\n"
            "[sites.beta-site]\nprovider = \"api-key\"\napi_key = \"k\"\n");
    }
    RunOptions shell_options() const {
        // `latchkey` found on PATH, as for a user.
        const char* path = std::getenv("PATH");
        return options({{"PATH", std::string(LATCHKEY_BUILD_DIR) + "/bin:" + (path ? path : "")},
                        {"TERM", "xterm"}});
    }
    // What bash offers for the command line `words` (the last being the word
    // under the cursor).
    std::set<std::string> bash(const std::vector<std::string>& words) {
        std::string array;
        for (auto& w : words) array += quoted(w) + " ";
        std::string script = "source " + quoted(kCompletionDir + "/latchkey.bash") +
                             "\nspec=$(complete -p latchkey) || exit 9\n"
                             "fn=${spec#*-F }; fn=${fn%% *}\n"
                             "COMP_WORDS=(" +
                             array +
                             ")\nCOMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                             "COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}\n"
                             "\"$fn\" latchkey \"${COMP_WORDS[COMP_CWORD]}\" "
                             "\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
                             "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        auto r =
            test::run({"/usr/bin/bash", "--norc", "--noprofile", "-c", script}, shell_options());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::set<std::string> out;
        std::istringstream in(r.out);
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) out.insert(line);
        return out;
    }
    // What zsh lists for each line, escape sequences removed.
    std::map<std::string, std::string> zsh(const std::vector<std::string>& lines) {
        std::vector<std::string> argv{"/usr/bin/zsh", "-f",
                                      std::string(LATCHKEY_SOURCE_DIR) +
                                          "/tests/integration/cli_conventions/"
                                          "zsh_complete.zsh",
                                      kCompletionDir};
        argv.insert(argv.end(), lines.begin(), lines.end());
        RunOptions o = shell_options();
        o.timeout_ms = 60'000;
        auto r = test::run(argv, o);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_FALSE(r.timed_out);
        std::string text = std::regex_replace(r.out, std::regex("\x1b\\[[0-9;?]*[A-Za-z]|\r"), "");
        std::map<std::string, std::string> shown;
        for (auto& line : lines) {
            size_t at = text.find("=== " + line + "\n");
            if (at == std::string::npos) continue;
            size_t end = text.find("\n=== ", at + 1);
            shown[line] = text.substr(at, end == std::string::npos ? end : end - at);
        }
        return shown;
    }
};

using Words = std::set<std::string>;

TEST_F(Completion, BashCompletesCommandsFromTheHelp) {
    EXPECT_EQ(bash({"latchkey", ""}),
              (Words{"agent", "aws-credential", "config", "curl", "docker-credential", "exec",
                     "git-credential", "kube-credential", "login", "logout", "providers", "sites",
                     "status", "storage", "token", "whoami"}));
    EXPECT_EQ(bash({"latchkey", "sites", "s"}), (Words{"set-default", "show"}));
    EXPECT_EQ(bash({"latchkey", "-v", "stor"}), (Words{"storage"}));
    EXPECT_EQ(bash({"latchkey", "storage", "m"}), (Words{"migrate"}));
}

TEST_F(Completion, BashCompletesEachCommandsFlags) {
    EXPECT_EQ(bash({"latchkey", "token", "--h"}), (Words{"--header", "--help"}));
    EXPECT_EQ(bash({"latchkey", "storage", "migrate", "--f"}), (Words{"--from"}));
    EXPECT_EQ(bash({"latchkey", "--conf"}), (Words{"--config"}));
    EXPECT_EQ(bash({"latchkey", "-o", ""}), (Words{"text", "json"}));
    // A flag's value is not taken for a command word.
    EXPECT_EQ(bash({"latchkey", "--at", "x", "sites", "add", "y", "--provider", "z", "--def"}),
              (Words{"--default"}));
}

TEST_F(Completion, BashCompletesSitesFromThePolicyAndProvidersFromThePlugins) {
    EXPECT_EQ(bash({"latchkey", "--config", policy(), "--at", ""}), (Words{"alpha", "beta-site"}));
    EXPECT_EQ(bash({"latchkey", "--config", policy(), "sites", "show", "b"}), (Words{"beta-site"}));
    EXPECT_EQ(bash({"latchkey", "sites", "add", "x", "--provider", "oauth2-c"}),
              (Words{"oauth2-client-credentials"}));
    EXPECT_EQ(bash({"latchkey", "providers", "show", "api"}), (Words{"api-key"}));
    // Without a policy there is nothing to offer, and nothing breaks.
    EXPECT_EQ(bash({"latchkey", "--config", sandbox_.file("none.toml"), "--at", ""}), Words{});
}

TEST_F(Completion, ZshCompletesCommandsFlagsSitesAndProviders) {
    const std::string at = "latchkey --config " + policy() + " --at ";
    const std::string sub = "latchkey sites s";
    const std::string flags = "latchkey token --h";
    const std::string provider = "latchkey sites add x --provider oauth2-c";
    auto shown = zsh({sub, flags, at, provider});
    ASSERT_EQ(shown.size(), 4u);
    EXPECT_NE(shown[sub].find("set-default  -- make a site the default"), std::string::npos)
        << shown[sub];
    EXPECT_NE(shown[sub].find("show "), std::string::npos) << shown[sub];
    EXPECT_EQ(shown[sub].find("list"), std::string::npos) << shown[sub];
    EXPECT_NE(shown[flags].find("--header"), std::string::npos) << shown[flags];
    EXPECT_EQ(shown[flags].find("--config"), std::string::npos) << shown[flags];
    EXPECT_NE(shown[at].find("alpha"), std::string::npos) << shown[at];
    EXPECT_NE(shown[at].find("beta-site"), std::string::npos) << shown[at];
    EXPECT_NE(shown[provider].find("oauth2-client-credentials"), std::string::npos)
        << shown[provider];
}

}  // namespace
}  // namespace latchkey::itest
