// The agent keeps each site's `token_file` holding its current token, for
// tools that only read a file: written at start (and at each reload), then
// again whenever the token manager's refresh time comes, so the file is
// renewed ahead of expiry by the same rule that renews the cached token.
#pragma once

#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <string>

#include "agent_state.hpp"

namespace latchkey::agent {

class TokenFileKeeper {
 public:
    TokenFileKeeper(boost::asio::io_context& io, AgentState& state);
    ~TokenFileKeeper();

    // Keeps the token files of `policy` from now on (and forgets those of
    // the policy served before): call at start and after each reload. Runs
    // on the I/O thread; the writes run on each site's worker threads.
    void sync(const std::shared_ptr<ServedPolicy>& policy);

 private:
    struct Kept;
    void schedule(const std::shared_ptr<Kept>& kept, std::chrono::milliseconds delay);
    void write(const std::shared_ptr<Kept>& kept);
    void written(const std::shared_ptr<Kept>& kept, int64_t next_at_ms, const std::string& error,
                 bool retry_soon);

    boost::asio::io_context& io_;
    AgentState& state_;
    std::map<std::string, std::shared_ptr<Kept>> kept_;
};

}  // namespace latchkey::agent
