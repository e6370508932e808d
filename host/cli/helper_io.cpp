#include "helper_io.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

namespace latchkey::cli {

namespace {
constexpr const char* kDefaultTokenUsername = "x-access-token";
}

std::string read_helper_input(size_t cap, int timeout_ms) {
    std::string in;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    char buf[4096];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        pollfd p{0, POLLIN, 0};
        int ready = left > 0 ? ::poll(&p, 1, static_cast<int>(left)) : 0;
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0)
            throw Error(ErrorKind::usage, "the request on standard input did not end within " +
                                              std::to_string(timeout_ms / 1000) + " s");
        ssize_t n = ::read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return in;
        if (in.size() + static_cast<size_t>(n) > cap)
            throw Error(ErrorKind::usage, "the request on standard input is longer than " +
                                              std::to_string(cap / 1024) + " KiB");
        in.append(buf, static_cast<size_t>(n));
    }
}

std::string token_username(Context& ctx, const std::string& site) {
    for (auto& v : ctx.admin().describe(site).values)
        if (v.key == "token_username" && !v.text.empty()) return v.text;
    return kDefaultTokenUsername;
}

std::string token_username(Context& ctx, const SiteCredential& c) {
    // The agent resolved the site with its own environment (this process
    // may lack the site's secrets, so it does not resolve the site itself).
    if (!c.from_agent) return token_username(ctx, c.site);
    return c.token_username.empty() ? kDefaultTokenUsername : c.token_username;
}

std::string site_for_request(Context& ctx, const std::string& url) {
    if (ctx.host_options.site) return *ctx.host_options.site;
    if (const char* env = std::getenv("LATCHKEY_SITE"); env && *env) return env;
    // No policy: no site serves any server (not an error for a helper that
    // git or docker may call for every remote).
    if (!ctx.admin().policy_exists()) return "";
    return ctx.admin().site_for_url(url);
}

}  // namespace latchkey::cli
