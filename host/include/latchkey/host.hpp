// liblatchkey: ask for a credential by site name.
//
//   auto host = latchkey::Host::open();                 // default policy resolution
//   latchkey::Credential c = host.token("planet");      // cached / refreshed
//   ... send c.header() ...
//   host.invalidate("planet", c.token());               // after a 401
//
// A Host is safe to share between threads; reads are lock-free when the
// cached credential is outside its refresh window.
//
// Two ways to read, for every site:
//   token()   a Credential of the caller's own: keep it as long as you like.
//   borrow()  the same credential, lent: the fastest read (no reference
//             count, no allocation, no write to memory another thread
//             reads). The reference stays valid until this thread's next
//             read (token() or borrow(), of any site, of any Host) and
//             while the Host is open; copy it to keep it longer:
//
//     auto site = host.site("planet");
//     for (auto& req : requests)
//         req.set_header(site.borrow().header());     // used, then let go
//
// A running agent. When a `latchkey agent` serves this policy (its socket:
// $LATCHKEY_AGENT_SOCKET, else $XDG_RUNTIME_DIR/latchkey/agent.sock, read
// when the host opens), token() asks it and keeps what it served until the
// agent's own refresh time; invalidate() goes to it too. When none answers,
// or it declines (another policy, this caller refused, busy), the site works
// alone, within the same call, exactly as with HostOptions::ask_agent off,
// and asks the agent again whenever it would go to its own provider.
// Credential::agent_socket() says who served; the errors are the same either
// way. See HostOptions::ask_agent and docs/agent.md.
//
// Secrets in memory: the library wipes what it drops (tokens, refresh
// tokens, secret option values, the buffers of stored credentials and of
// secret files), but it never changes process-wide settings, so it leaves
// core dumps as the application set them. The `latchkey` program refuses them
// before it reads anything (prctl(PR_SET_DUMPABLE, 0) and RLIMIT_CORE 0); an
// application that holds credentials decides for its own process, and the
// same two calls at the top of main() keep a crash from writing its secrets
// to a core file.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <latchkey/credential.hpp>
#include <latchkey/error.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace latchkey {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

// How to open a host. Every field is optional; the defaults follow the
// documented precedence (flags > environment > .env > file > defaults).
struct HostOptions {
    std::optional<std::string> config_path;  // --config; else LATCHKEY_CONFIG; else XDG path
    std::optional<std::string> site;         // --at; else LATCHKEY_SITE; else default_site
    std::vector<std::string> sets;           // --set key=value, highest precedence
    std::vector<std::string> plugin_dirs;    // --plugin-dir, searched first
    std::optional<std::string> storage;      // backend when the policy names none (default memory)
    bool interactive = false;                // may providers prompt? (true during login)
    LogLevel log_level = LogLevel::warn;
    // Where log lines go (already redacted). Default: standard error.
    std::function<void(LogLevel, const std::string&)> log_sink;
    // Ask a running `latchkey agent` (docs/agent.md) for credentials, and
    // work alone when none answers or it declines. Not with `sets` or
    // `plugin_dirs` (the agent resolves its sites its own way), nor when
    // LATCHKEY_AGENT=off; the agent's own host turns it off.
    bool ask_agent = true;
};

class HostImpl;
namespace admin {
class Admin;
}

// A handle to one site's token slot, for callers that ask very often.
class Site {
 public:
    Credential token() const;
    // One that stays valid for at least `min_valid` (see Host::token).
    Credential token(std::chrono::milliseconds min_valid) const;
    // Lent until this thread's next read (see the top of this file).
    const Credential& borrow() const;
    const std::string& name() const;

 private:
    friend class Host;
    friend class HostImpl;
    std::shared_ptr<HostImpl> host_;
    void* slot_ = nullptr;
};

class Host {
 public:
    static Host open(HostOptions options = {});

    // The credential for `site` ("" = the selected site), from cache,
    // refreshed ahead of expiry, or acquired. Throws latchkey::Error.
    Credential token(std::string_view site = {});
    // One that stays valid for at least `min_valid` from now, refreshed
    // early when the cached one would not (a long upload, a job that cannot
    // re-authenticate half-way). A server whose tokens live shorter than
    // that gives a fresh one, valid as long as it grants; a credential that
    // does not expire always qualifies.
    Credential token(std::string_view site, std::chrono::milliseconds min_valid);
    // The same, lent until this thread's next read (see the top of this file).
    const Credential& borrow(std::string_view site = {});
    // A reusable handle that skips the site lookup on every call.
    Site site(std::string_view site = {});
    // After the server answered 401 to `refused_token`: the next read gets a
    // new credential (refreshing with the refresh token when there is one).
    // Nothing happens when the site's credential is no longer the refused
    // one -- another thread or process has already replaced it -- so a late
    // 401 never throws away a fresh credential.
    void invalidate(std::string_view site, std::string_view refused_token);
    // Drops the cached and stored credential, whatever it is.
    void invalidate(std::string_view site = {});

    // The selected site: --at, LATCHKEY_SITE, default_site, or the only site.
    std::string selected_site() const;
    std::vector<std::string> sites() const;

 private:
    // Administrative tools see an open host through latchkey/admin.hpp.
    friend class admin::Admin;
    explicit Host(std::shared_ptr<HostImpl> impl);
    void* slot_of(std::string_view site);
    std::shared_ptr<HostImpl> impl_;
};

}  // namespace latchkey
