#include "run_agent.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <latchkey/admin.hpp>

#include "agent_socket.hpp"
#include "agent_state.hpp"
#include "cloud_endpoints.hpp"
#include "socket_api.hpp"
#include "token_file_keeper.hpp"

namespace latchkey::agent {

namespace net = boost::asio;

namespace {

// What identifies one version of the policy file on disk.
struct FileStamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = -1;
    timespec mtime{};
    bool operator==(const FileStamp& o) const {
        return dev == o.dev && ino == o.ino && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
               mtime.tv_nsec == o.mtime.tv_nsec;
    }
};

FileStamp stamp_of(const std::string& path) {
    struct stat st {};
    FileStamp s;
    if (stat(path.c_str(), &st) == 0) s = {st.st_dev, st.st_ino, st.st_size, st.st_mtim};
    return s;
}

void say(const std::string& line) { std::cerr << "latchkey agent: " << line << std::endl; }

}  // namespace

int run_agent(const HostOptions& host_options, const AgentOptions& options) {
    AuditLog audit(options.audit_file);
    AgentState state(host_options, audit, options.site_threads, options.site_queue);
    for (auto& [name, site] : state.current()->sites())
        if (!site.error.empty())
            say("warning: site '" + name + "': " + admin::printable(site.error));

    int fd = socket_from_systemd();
    std::string path = options.socket_path.empty() ? default_socket_path() : options.socket_path;
    bool bound_here = fd < 0;
    if (bound_here) fd = bind_agent_socket(path, options.socket_mode);

    net::io_context io(1);
    CloudEndpoints cloud(io, state, options.limits);
    cloud.sync(*state.current());
    state.set_cloud(&cloud);
    TokenFileKeeper token_files(io, state);
    token_files.sync(state.current());
    auto reload = [&] {
        std::string line = state.reload();
        cloud.sync(*state.current());
        token_files.sync(state.current());
        return line;
    };
    SocketApi api(state);
    auto listener = listen_unix(io, fd, api, options.limits);

    net::signal_set signals(io, SIGTERM, SIGINT, SIGHUP);
    std::function<void(const boost::system::error_code&, int)> on_signal =
        [&](const boost::system::error_code& ec, int signal) {
            if (ec) return;
            if (signal == SIGHUP) {
                say(reload());
                signals.async_wait(on_signal);
                return;
            }
            say("stopping (signal " + std::to_string(signal) + ")");
            listener->close();
            io.stop();
        };
    signals.async_wait(on_signal);

    // The policy file is looked at every watch_interval; an editor's
    // save (a rename) and an in-place write both change the stamp.
    net::steady_timer watch(io);
    FileStamp seen = stamp_of(state.current()->path());
    std::function<void(const boost::system::error_code&)> on_tick =
        [&](const boost::system::error_code& ec) {
            if (ec) return;
            FileStamp now = stamp_of(state.current()->path());
            if (!(now == seen)) {
                seen = now;
                say("the policy file changed: " + reload());
            }
            watch.expires_after(options.watch_interval);
            watch.async_wait(on_tick);
        };
    if (options.watch_interval.count() > 0) {
        watch.expires_after(options.watch_interval);
        watch.async_wait(on_tick);
    }

    std::cout << "latchkey agent: listening on "
              << (bound_here ? path : "the socket systemd passed") << " (pid " << getpid()
              << ", policy " << state.current()->path() << ")" << std::endl;
    io.run();
    state.set_cloud(nullptr);
    // Calls in progress finish (their credentials are stored as usual);
    // then the socket goes, so clients work alone at once.
    if (bound_here) unlink(path.c_str());
    state.workers().stop();
    return 0;
}

}  // namespace latchkey::agent
