// Every policy shipped in config/ passes `latchkey config check`. The list is
// read at test time, so a policy added later is checked without editing this
// file. Variables a policy reads through { env = "NAME" } get dummy values,
// { secret = "NAME" } gets a dummy file in a private secrets directory. Values
// that hold secrets by their name (..._SECRET, ..._KEY, ..._TOKEN, ...) and
// every secrets-directory value must never be printed.
#include <algorithm>
#include <filesystem>
#include <regex>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> shipped_policies() {
    std::vector<std::string> out;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(fs::path(LATCHKEY_SOURCE_DIR) / "config", ec))
        if (e.path().extension() == ".toml") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> indirections(const std::string& toml, const std::string& kind) {
    std::regex re("\\{\\s*" + kind + "\\s*=\\s*\"([^\"]+)\"\\s*\\}");
    std::vector<std::string> names;
    for (std::sregex_iterator it(toml.begin(), toml.end(), re), end; it != end; ++it)
        names.push_back((*it)[1].str());
    return names;
}

class ShippedConfig : public CliTest {};

TEST_F(ShippedConfig, EveryPolicyInConfigPassesConfigCheck) {
    auto files = shipped_policies();
    ASSERT_FALSE(files.empty()) << "no *.toml in " << LATCHKEY_SOURCE_DIR << "/config";
    const std::string dummy = "dummy-Integ-value-0c4f";
    never_print(dummy);
    const std::regex secret_name("SECRET|PASSWORD|PASSPHRASE|KEY|TOKEN", std::regex::icase);
    const std::string secrets = sandbox_.file("secrets");
    fs::create_directories(secrets);
    for (auto& file : files) {
        SCOPED_TRACE(file);
        std::string toml = test::read_file(file);
        std::map<std::string, std::optional<std::string>> env{{"LATCHKEY_SECRETS_DIR", secrets}};
        for (auto& name : indirections(toml, "env")) {
            // Identifiers (a client id, say) may be shown; secrets never.
            const bool secret = std::regex_search(name, secret_name);
            env[name] = secret ? dummy : "dummy-" + name;
        }
        for (auto& name : indirections(toml, "secret")) sandbox_.write("secrets/" + name, dummy + "\n");

        auto r = run_cli({"--config", file, "config", "check"}, env);
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        EXPECT_NE(r.out.find(file + ": ok"), std::string::npos) << r.out;

        auto sites = run_cli({"--config", file, "-o", "json", "sites", "list"}, env);
        EXPECT_EQ(sites.exit_code, 0) << sites.err;
        auto d = parse_json(sites.out);
        ASSERT_TRUE(d.IsObject());
        EXPECT_GT(d["sites"].Size(), 0u) << file << " defines no site";

        auto explain = run_cli({"--config", file, "config", "explain", "--all"}, env);
        EXPECT_EQ(explain.exit_code, 0) << explain.err;
    }
}

}  // namespace
}  // namespace latchkey::itest
