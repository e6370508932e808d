// What the `latchkey sites` editing tests share: a policy written the way a
// person writes one (comments, gaps, a trailing comment on a value), and ways
// to look at the file's bytes and mode.
#pragma once

#include <sys/stat.h>

#include <filesystem>

#include "cli_test.hpp"

namespace latchkey::itest {

// Lines are numbered in the comments for the tests' expectations.
inline const std::string kTeamPolicy =
    "# The team's latchkey policy.\n"                                 // 1
    "default_site = \"reports\"   # most scripts want this one\n"     // 2
    "\n"                                                              // 3
    "[defaults]\n"                                                    // 4
    "timeout = \"5s\"\n"                                              // 5
    "\n"                                                              // 6
    "# Reporting API: a static key.\n"                                // 7
    "[sites.reports]\n"                                               // 8
    "provider = \"api-key\"\n"                                        // 9
    "api_key = { env = \"INTEG_REPORTS_KEY\" }   # from the vault\n"  // 10
    "header = \"X-API-Key: {token}\"\n"                               // 11
    "\n"                                                              // 12
    "# Billing.\n"                                                    // 13
    "[sites.billing]\n"                                               // 14
    "provider = \"api-key\"\n"                                        // 15
    "api_key = { env = \"INTEG_BILLING_KEY\" }\n";                    // 16

class SitesCli : public CliTest {
 protected:
    SitesCli() {
        env_["INTEG_REPORTS_KEY"] = "rk-Integ-sites-1";
        env_["INTEG_BILLING_KEY"] = "bk-Integ-sites-2";
    }

    // The policy file's bytes now.
    std::string text() const { return test::read_file(policy()); }

    static unsigned mode_of(const std::string& path) {
        struct stat st {};
        return stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
    }

    // `text` with its first `from` replaced by `to`.
    static std::string replaced(std::string text, const std::string& from, const std::string& to) {
        auto at = text.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        if (at != std::string::npos) text.replace(at, from.size(), to);
        return text;
    }

    // Whether `out` (a `sites list` table) marks `site` as the selected one.
    static bool selected_in_list(const std::string& out, const std::string& site) {
        size_t start = 0;
        while (start < out.size()) {
            size_t end = out.find('\n', start);
            std::string line = out.substr(start, end - start);
            if (line.rfind("*", 0) == 0 && line.find(" " + site + " ") != std::string::npos)
                return true;
            if (end == std::string::npos) break;
            start = end + 1;
        }
        return false;
    }

    // Files an edit left beside the policy that are not the policy.
    std::vector<std::string> leftovers() const {
        std::vector<std::string> out;
        for (auto& e : std::filesystem::directory_iterator(sandbox_.path())) {
            std::string name = e.path().filename().string();
            if (name.find(".edit.") != std::string::npos) out.push_back(name);
        }
        return out;
    }
};

}  // namespace latchkey::itest
