#include "oidc_agent_peer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace latchkey::bench {

namespace fs = std::filesystem;

bool OidcAgentPeer::installed(const std::string& bin_dir) {
    for (const char* p : {"oidc-agent", "oidc-gen", "oidc-token"})
        if (access((bin_dir + "/" + p).c_str(), X_OK) != 0) return false;
    return true;
}

OidcAgentPeer::OidcAgentPeer(const std::string& bin_dir, const std::string& dir)
    : bin_dir_(bin_dir), dir_(dir), socket_(dir + "/oidc-agent.sock") {
    fs::create_directories(dir_ + "/home/oidc-agent");
    for (auto d : {dir_, dir_ + "/home", dir_ + "/home/oidc-agent"}) chmod(d.c_str(), 0700);
    env_ = {"HOME=" + dir_ + "/home", "OIDC_CONFIG_DIR=" + dir_ + "/home/oidc-agent",
            "OIDC_SOCK=" + socket_, "PATH=/usr/bin:/bin"};
    test::RunOptions o;
    for (auto& kv : env_) o.env[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    // -d: in the foreground, so that it is this object's child to stop.
    agent_ = std::make_unique<test::Child>(
        std::vector<std::string>{bin_dir_ + "/oidc-agent", "-d", "-a", socket_}, o);
    for (int i = 0; i < 400 && !fs::exists(socket_); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (!fs::exists(socket_)) throw std::runtime_error("oidc-agent did not create " + socket_);
}

OidcAgentPeer::~OidcAgentPeer() {
    if (agent_) agent_->stop();
}

void OidcAgentPeer::add_account(const std::string& name, const std::string& issuer,
                                const std::string& client_id, const std::string& secret,
                                const std::string& refresh_token) {
    test::RunOptions o;
    for (auto& kv : env_) o.env[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    o.timeout_ms = 60'000;
    // --rt: the refresh flow from a given token, no browser and no prompt.
    // --no-save: the account lives in the agent only, so no encryption
    // password is derived (seconds of CPU per account, by design).
    auto r = test::run(
        {bin_dir_ + "/oidc-gen", name, "--issuer=" + issuer, "--client-id=" + client_id,
         "--client-secret=" + secret, "--rt=" + refresh_token, "--scope=openid offline_access",
         "--no-save", "--confirm-default", "--no-url-call", "--prompt=none"},
        o);
    if (r.exit_code != 0 || r.timed_out)
        throw std::runtime_error("oidc-gen " + name + " failed (exit " +
                                 std::to_string(r.exit_code) + "): " + r.out + r.err);
}

std::vector<std::string> OidcAgentPeer::token_argv(const std::string& account) const {
    return {bin_dir_ + "/oidc-token", account};
}

}  // namespace latchkey::bench
