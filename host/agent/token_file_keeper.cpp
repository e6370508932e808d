#include "token_file_keeper.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <iostream>
#include <latchkey/admin.hpp>

namespace latchkey::agent {

namespace net = boost::asio;
using std::chrono::milliseconds;

namespace {

// A transient failure is tried again after 1 s, then twice as long each
// time up to 5 minutes; one that needs a person or a policy change (a
// login, a rejected client, a config error) once a minute, so a site that
// needs `latchkey login` is written soon after it and never spins.
constexpr milliseconds kFirstRetry{1000};
constexpr milliseconds kLongestRetry{5 * 60 * 1000};
constexpr milliseconds kRetryNeedingAPerson{60 * 1000};
// A credential that does not expire is written again once a day anyway
// (cheap: the file is untouched when it already holds the token).
constexpr milliseconds kLongestWait{24 * 3600 * 1000};
// Past the refresh time, so the token manager refreshes rather than
// serving the credential it holds.
constexpr milliseconds kPastRefreshTime{20};

// The "caller" of the audit lines about token files.
const Peer& the_agent_itself() {
    static const Peer self = [] {
        Peer p;
        p.known = true;
        p.uid = getuid();
        p.gid = getgid();
        p.pid = getpid();
        std::error_code ec;
        p.exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
        return p;
    }();
    return self;
}

std::string seconds_text(milliseconds d) { return std::to_string((d.count() + 999) / 1000) + " s"; }

}  // namespace

struct TokenFileKeeper::Kept {
    Kept(net::io_context& io, std::shared_ptr<ServedPolicy> p, std::string s, std::string f)
        : timer(io), policy(std::move(p)), site(std::move(s)), path(std::move(f)) {}
    net::steady_timer timer;
    const std::shared_ptr<ServedPolicy> policy;
    const std::string site, path;
    // The fields below are the I/O thread's only.
    milliseconds backoff{0};
    std::string last_error;  // said once on standard error, not at every retry
};

TokenFileKeeper::TokenFileKeeper(net::io_context& io, AgentState& state) : io_(io), state_(state) {}

// Only kept_ owns each Kept (and so its timer): the handlers waiting in the
// io_context hold weak pointers, so a file dropped by a reload, or every
// file when the agent stops, goes at once and its late handlers do nothing.
TokenFileKeeper::~TokenFileKeeper() = default;

void TokenFileKeeper::sync(const std::shared_ptr<ServedPolicy>& policy) {
    // A reload starts every file afresh: written now (untouched when it
    // already holds the token), then kept by the new policy's rules. A site
    // that no longer names a file leaves the file as it is.
    kept_.clear();
    for (auto& [name, site] : policy->sites()) {
        if (site.token_file.empty() || !site.error.empty()) continue;
        auto kept = std::make_shared<Kept>(io_, policy, name, site.token_file);
        kept_.emplace(name, kept);
        write(kept);
    }
}

void TokenFileKeeper::schedule(const std::shared_ptr<Kept>& kept, milliseconds delay) {
    kept->timer.expires_after(std::min(delay, kLongestWait));
    kept->timer.async_wait(
        [this, weak = std::weak_ptr<Kept>(kept)](const boost::system::error_code& ec) {
            if (auto kept = weak.lock(); kept && !ec) write(kept);
        });
}

void TokenFileKeeper::write(const std::shared_ptr<Kept>& kept) {
    // The token may need the provider (a refresh, a slow server): on the
    // site's own threads, never on the I/O thread.
    auto job = [this, policy = kept->policy, site = kept->site, path = kept->path,
                weak = std::weak_ptr<Kept>(kept)] {
        int64_t next_at_ms = 0;
        std::string error;
        bool retry_soon = true;
        try {
            auto& admin = policy->admin();
            if (admin.write_token_file(site).changed)
                state_.audit().record(site, the_agent_itself(), "token_file", "served",
                                      "written to " + path);
            auto stored = admin.stored(site);
            next_at_ms = stored ? stored->refresh_at_ms : 0;
        } catch (const Error& e) {
            error = e.what();
            retry_soon = e.kind() == ErrorKind::transient || e.kind() == ErrorKind::storage ||
                         e.kind() == ErrorKind::internal;
        } catch (const std::exception& e) {
            error = e.what();
        }
        net::post(io_, [this, weak, next_at_ms, error, retry_soon] {
            if (auto kept = weak.lock()) written(kept, next_at_ms, error, retry_soon);
        });
    };
    if (!state_.workers().run(kept->site, std::move(job)))
        schedule(kept, kFirstRetry);  // the site's queue is full: its requests go first
}

void TokenFileKeeper::written(const std::shared_ptr<Kept>& kept, int64_t next_at_ms,
                              const std::string& error, bool retry_soon) {
    int64_t now = admin::now_ms();
    if (error.empty()) {
        if (!kept->last_error.empty())
            std::cerr << "latchkey agent: site '" << kept->site << "': token_file "
                      << admin::printable(kept->path) << " is kept current again" << std::endl;
        kept->last_error.clear();
        if (next_at_ms > now) {
            kept->backoff = milliseconds(0);
            schedule(kept, milliseconds(next_at_ms - now) + kPastRefreshTime);
            return;
        }
        // Inside the refresh window and not refreshed (another caller is
        // refreshing, or the server fails while the old token still
        // serves): look again soon.
    }
    kept->backoff = retry_soon ? std::clamp(kept->backoff * 2, kFirstRetry, kLongestRetry)
                               : kRetryNeedingAPerson;
    if (!error.empty()) {
        std::string line = "token_file " + kept->path + " not written: " + error +
                           "; the agent tries again in " + seconds_text(kept->backoff);
        state_.audit().record(kept->site, the_agent_itself(), "token_file", "failed", line);
        if (error != kept->last_error)
            std::cerr << "latchkey agent: site '" << kept->site
                      << "': " << admin::printable(admin::without_url_passwords(line)) << std::endl;
        kept->last_error = error;
    }
    schedule(kept, kept->backoff);
}

}  // namespace latchkey::agent
