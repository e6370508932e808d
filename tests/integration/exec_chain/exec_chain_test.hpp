// Shared by the exec and chain tests: credential-printing programs are small
// shell scripts the test writes into its sandbox (mode 0755), and policies
// that run them.
#pragma once

#include <chrono>
#include <ctime>
#include <string>

#include "cli_test.hpp"

namespace latchkey::itest {

inline int64_t now_s() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// RFC 3339 UTC text for Unix seconds, as a program would print it.
inline std::string rfc3339(int64_t unix_s) {
    std::time_t t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

class ExecChainTest : public CliTest {
 protected:
    // Writes sandbox/bin/NAME: "#!/bin/sh" and `body`, executable. Returns its path.
    std::string program(const std::string& name, const std::string& body, unsigned mode = 0755) {
        return sandbox_.write("bin/" + name, "#!/bin/sh\n" + body, mode);
    }

    // A [sites.NAME] table running `path`; `extra` lines go inside the table.
    static std::string exec_site(const std::string& name, const std::string& path,
                                 const std::string& extra = "") {
        return "[sites." + name + "]\nprovider = \"exec\"\ncommand = [\"" + path + "\"]\n" + extra +
               "\n";
    }

    // What `latchkey [ARGS] token --header` prints; a failed run fails the test.
    std::string header_line(const std::vector<std::string>& args = {}) {
        std::vector<std::string> all = args;
        all.insert(all.end(), {"token", "--header"});
        auto r = lk(all);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    }

    // The JSON of `latchkey -o json status --at SITE`'s only site.
    rapidjson::Document status_json(const std::string& site) {
        auto r = lk({"-o", "json", "--at", site, "status"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        rapidjson::Document d = parse_json(r.out);
        rapidjson::Document one;
        if (d.IsObject() && d.HasMember("sites") && d["sites"].IsArray() && d["sites"].Size() == 1)
            one.CopyFrom(d["sites"][0], one.GetAllocator());
        else
            ADD_FAILURE() << "unexpected status output:\n" << r.out;
        return one;
    }

    static std::string extra(const rapidjson::Value& site, const char* key) {
        if (!site.IsObject() || !site.HasMember("extras") || !site["extras"].HasMember(key) ||
            !site["extras"][key].IsString())
            return "";
        return site["extras"][key].GetString();
    }
};

}  // namespace latchkey::itest
