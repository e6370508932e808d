// The requests the credential helpers read from the tools that call them:
// git's key=value lines, docker's server URL or JSON, and kubectl's
// KUBERNETES_EXEC_INFO. Outside input, each bounded (kHelperInputCap) and
// fuzzed (tests/fuzz/helper_request_fuzz.cpp). Each throws Error(usage),
// naming what is wrong, for a request it cannot read.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace latchkey::cli {

// git's request (gitcredentials(7)): `key=value` lines up to a blank line or
// the end; unknown keys are kept and ignored.
struct GitRequest {
    std::map<std::string, std::string> fields;
    const std::string& get(const std::string& key) const;
    // protocol://host[/path], or the `url` git sent.
    std::string url() const;
};
GitRequest parse_git_request(const std::string& text);

// docker's `get` and `erase`: the server URL, one line.
std::string docker_server_url(const std::string& input);
// docker's `store`: {"ServerURL": ..., "Username": ..., "Secret": ...}; its
// ServerURL ("" when it has none), or nullopt when the input is no JSON object.
std::optional<std::string> docker_store_url(const std::string& input);

// kubectl's ExecCredential request.
inline constexpr const char* kKubeV1 = "client.authentication.k8s.io/v1";
inline constexpr const char* kKubeV1beta1 = "client.authentication.k8s.io/v1beta1";
struct ExecInfo {
    std::string api_version = kKubeV1beta1;  // what a kubectl too old to say wants
    std::string server;                      // spec.cluster.server, with provideClusterInfo
};
// `env` is KUBERNETES_EXEC_INFO; NULL or "" for a kubectl that sets none.
ExecInfo parse_exec_info(const char* env);

}  // namespace latchkey::cli
