// A real redis-server for CLI tests: 127.0.0.1 on a free port, no
// persistence, stopped when destroyed; and redis-cli to look at what the
// CLI left in it. Missing redis-server is a failure (tools/setup installs it).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "process.hpp"
#include "temp_dir.hpp"

namespace latchkey::itest {

class RedisServer {
 public:
    RedisServer();
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }
    // `redis-cli -p PORT ARGS...`'s output, without its final line break.
    std::string cli(const std::vector<std::string>& args) const;
    // The keys matching `pattern`, one per element.
    std::vector<std::string> keys(const std::string& pattern) const;

 private:
    test::TempDir dir_;
    int port_;
    std::unique_ptr<test::Child> child_;
};

}  // namespace latchkey::itest
