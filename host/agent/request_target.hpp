// A request target split into its path and query parameters. The agent's
// parameters are site names and durations, which need no percent-encoding
// ([A-Za-z0-9._-] and "10m"), so an encoded or repeated parameter is
// refused rather than decoded.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace latchkey::agent {

struct Target {
    std::string path;
    std::map<std::string, std::string> query;
    std::optional<std::string> get(const std::string& key) const;
};

// nullopt, with `why` set, when the target is not of that shape.
std::optional<Target> parse_target(std::string_view target, std::string& why);

// The token a POST /v1/invalidate names, from its JSON body: "" for none (an
// empty body, or no "token"), nullopt with `why` set for a body of another shape.
std::optional<std::string> refused_token(const std::string& body, std::string& why);

}  // namespace latchkey::agent
