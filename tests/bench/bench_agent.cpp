// bench_agent: `latchkey agent` measured as its clients see it, side by side
// with its closest peer, oidc-agent.
//
// In a private temporary directory it starts two development authorization
// servers on 127.0.0.1 (tokens living an hour, and --lifetime seconds), writes
// a policy with an api-key site `bench` and an oauth2-refresh-token site on
// each server (`cached`, `expiring`), starts `latchkey --config P agent
// --socket S` there, and times
//   round trip   one keep-alive connection, GET /v1/token?site=bench, one
//                request at a time (--requests of them): median and p99
//   throughput   --clients keep-alive connections, asking as fast as they
//                can for --seconds, driven by --client-threads event loops
//                (agent_load.hpp): requests per second
//   process      cached tokens, a whole process each (--runs each, the
//                programs taking turns so that a busy machine slows all
//                alike): `latchkey token` through the agent, alone
//                (LATCHKEY_AGENT=off), `oidc-token ACCOUNT` and /bin/true
//   expiry       --rounds times: once the tokens expired, 8 concurrent
//                callers of each (oidc-token; latchkey token via the agent;
//                alone): wall time from the first start to the last exit,
//                and the refresh requests the server got
// oidc-agent (Debian's oidc-agent-cli) gets its own HOME, configuration
// directory and socket, and an account on each server made from a refresh
// token the server seeds; without it (or with --no-peer) its rows are left
// out. The agent writes its audit lines to a file in the directory, as it
// would in service. Requests use Boost.Beast, as the agent does.
//
// It exits non-zero only when something does not work (a failed request, a
// refresh count other than 1 for latchkey); it asserts no speed. --json FILE
// writes the figures for tools/bench.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "agent_load.hpp"
#include "bench_args.hpp"
#include "devserver.hpp"
#include "oidc_agent_peer.hpp"

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;
using latchkey::test::DevServer;

struct Options {
    int requests = 20000;
    int clients = 64;
    int client_threads = 1;
    double seconds = 2.0;
    int runs = 100;
    std::string oidc_token = "/usr/bin/oidc-token";
    bool peer = true;
    int lifetime_s = 2;
    int rounds = 3;
    int callers = 8;
    std::string json;
};

void usage(int code) {
    std::cout
        << "usage: bench_agent [--requests N] [--clients N] [--client-threads N] [--seconds S]\n"
           "                   [--runs N]\n"
           "                   [--oidc-token PATH | --no-peer] [--lifetime S] [--rounds N]\n"
           "                   [--callers N] [--json FILE]\n";
    std::exit(code);
}

// One keep-alive connection to the agent.
class Client {
 public:
    explicit Client(const std::string& path) : socket_(io_) {
        socket_.connect(net::local::stream_protocol::endpoint(path));
        socket_.native_non_blocking(true);
        req_ = {http::verb::get, "/v1/token?site=bench", 11};
        req_.set(http::field::host, "agent");
        req_.keep_alive(true);
    }
    // One request and its answer; false when it was not 200.
    bool ask() {
        http::write(socket_, req_);
        http::response<http::string_body> res;
        http::read(socket_, buffer_, res);
        return res.result() == http::status::ok;
    }

 private:
    net::io_context io_;
    net::local::stream_protocol::socket socket_;
    boost::beast::flat_buffer buffer_;
    http::request<http::empty_body> req_;
};

// CPU seconds `pid` has used so far (user + system, /proc/PID/stat).
double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(all.substr(all.rfind(')') + 2));
    std::string f;
    double ticks = 0;
    for (int i = 3; fields >> f && i <= 15; ++i)
        if (i == 14 || i == 15) ticks += std::stod(f);  // utime, stime
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// A program to time: its argv and whole environment.
struct Command {
    std::string label;
    std::vector<std::string> argv, env;
};

// Starts `c` with stdout to /dev/null.
pid_t start(Command c) {
    auto cargv = latchkey::bench::c_strings(c.argv);
    auto cenv = latchkey::bench::c_strings(c.env);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot run " + c.argv[0]);
    return pid;
}

void reap(pid_t pid, const Command& c) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(c.label + " failed (" + c.argv[0] + ")");
}

double timed_run(const Command& c) {
    auto t = Clock::now();
    reap(start(c), c);
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// The median wall time of each command, `runs` times each, taking turns.
std::vector<double> medians(int runs, const std::vector<Command>& commands) {
    std::vector<std::vector<double>> t(commands.size());
    for (auto& c : commands) timed_run(c);  // warm the page cache
    for (int i = 0; i < runs; ++i)
        for (size_t k = 0; k < commands.size(); ++k) t[k].push_back(timed_run(commands[k]));
    std::vector<double> out;
    for (auto& v : t) out.push_back(percentile(v, 0.5));
    return out;
}

// `callers` copies of `c` at once: ms from the first start to the last exit.
double burst(const Command& c, int callers) {
    auto t = Clock::now();
    std::vector<pid_t> pids;
    for (int i = 0; i < callers; ++i) pids.push_back(start(c));
    for (pid_t p : pids) reap(p, c);
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// What one contender did in the expiry rounds.
struct Expiry {
    std::vector<double> wall_ms;
    std::vector<int> refreshes;
    int max_refreshes() const { return *std::max_element(refreshes.begin(), refreshes.end()); }
};

}  // namespace

int main(int argc, char** argv) {
    Options o;
    latchkey::bench::parse_args(argc, argv, usage, [&](const std::string& a, auto value) {
        if (a == "--requests")
            o.requests = std::stoi(value());
        else if (a == "--clients")
            o.clients = std::stoi(value());
        else if (a == "--client-threads")
            o.client_threads = std::stoi(value());
        else if (a == "--seconds")
            o.seconds = std::stod(value());
        else if (a == "--runs")
            o.runs = std::stoi(value());
        else if (a == "--oidc-token")
            o.oidc_token = value();
        else if (a == "--no-peer")
            o.peer = false;
        else if (a == "--lifetime")
            o.lifetime_s = std::stoi(value());
        else if (a == "--rounds")
            o.rounds = std::stoi(value());
        else if (a == "--callers")
            o.callers = std::stoi(value());
        else if (a == "--json")
            o.json = value();
        else
            return false;
        return true;
    });
    std::string oidc_bin = std::filesystem::path(o.oidc_token).parent_path().string();
    if (o.peer && !latchkey::bench::OidcAgentPeer::installed(oidc_bin)) {
        std::printf(
            "(oidc-agent is not installed in %s: its rows are left out; "
            "Debian: apt-get install oidc-agent-cli)\n",
            oidc_bin.c_str());
        o.peer = false;
    }
    char tmpl[] = "/tmp/latchkey-bench-agent-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::string policy = dir + "/config.toml", sock = dir + "/agent.sock";
    std::map<std::string, double> figures;  // for --json
    int rc = 0;
    pid_t agent = -1;
    try {
        // Each server knows a client for latchkey and one for oidc-agent,
        // so that each one's refreshes are counted apart.
        std::vector<std::string> clients = {"--client", "latchkey:latchkey-secret", "--client",
                                            "oidc:oidc-secret"};
        auto server_args = [&](int lifetime) {
            auto a = clients;
            a.insert(a.end(), {"--token-lifetime", std::to_string(lifetime)});
            return a;
        };
        DevServer hour(server_args(3600)), brief(server_args(o.lifetime_s));
        auto site = [&](const std::string& name, const DevServer& s) {
            return "[sites." + name +
                   "]\nprovider = \"oauth2-refresh-token\"\n"
                   "token_url = \"" +
                   s.token_url() +
                   "\"\nclient_id = \"latchkey\"\nclient_secret = \"latchkey-secret\"\n"
                   "refresh_token = \"" +
                   s.seed_refresh_token("latchkey") + "\"\n";
        };
        {
            std::ofstream(policy) << "[sites.bench]\nprovider = \"api-key\"\n"
                                     "api_key = \"bench-Agent-key-0123456789abcdef\"\n"
                                  << site("cached", hour) << site("expiring", brief);
        }
        chmod(policy.c_str(), 0600);
        std::vector<std::string> env = {"HOME=" + dir,
                                        "XDG_STATE_HOME=" + dir + "/state",
                                        "XDG_CONFIG_HOME=" + dir,
                                        "XDG_RUNTIME_DIR=" + dir,
                                        "PATH=/usr/bin:/bin",
                                        "LATCHKEY_AGENT_SOCKET=" + sock,
                                        "LATCHKEY_PLUGIN_PATH=" LATCHKEY_PROVIDER_DIR};
        Command agent_cmd{"latchkey agent",
                          {LATCHKEY_CLI_PATH, "--config", policy, "agent", "--socket", sock,
                           "--audit-file", dir + "/audit.log", "--max-connections", "512"},
                          env};
        agent = start(agent_cmd);
        for (int i = 0; i < 400 && !std::filesystem::exists(sock); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));

        Client one(sock);
        std::vector<double> us;
        for (int i = 0; i < 200; ++i) one.ask();
        for (int i = 0; i < o.requests; ++i) {
            auto t = Clock::now();
            if (!one.ask()) throw std::runtime_error("a request failed");
            us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t).count());
        }
        double median_us = percentile(us, 0.5), p99_us = percentile(us, 0.99);
        std::printf("round trip (1 keep-alive client, %d requests): median %.1f us, p99 %.1f us\n",
                    o.requests, median_us, p99_us);
        figures["round_trip_median_us"] = median_us;
        figures["round_trip_p99_us"] = p99_us;

        double cpu_before = cpu_seconds(agent);
        auto wall_before = Clock::now();
        auto load = latchkey::bench::drive_load(sock, "/v1/token?site=bench", o.clients,
                                                o.client_threads, o.seconds);
        long done = load.answered + load.failed;
        double rps = static_cast<double>(done) / o.seconds;
        double agent_cpu = cpu_seconds(agent) - cpu_before;
        double wall = std::chrono::duration<double>(Clock::now() - wall_before).count();
        double cpu_us = agent_cpu * 1e6 / static_cast<double>(std::max(1L, done));
        std::printf(
            "throughput (%d keep-alive clients on %d client thread%s, %.1f s): %.0f requests/s "
            "(%ld failed)\n",
            o.clients, o.client_threads, o.client_threads == 1 ? "" : "s", o.seconds, rps,
            load.failed);
        // What the agent itself spent: a figure the clients' share of the
        // same cores does not blur (1e6 / it is what one free core could serve).
        std::printf("  the agent's CPU: %.1f us per request (%.0f%% of a core during the run)\n",
                    cpu_us, 100 * agent_cpu / wall);
        figures["agent_cpu_us_per_request"] = cpu_us;
        figures["requests_per_second"] = rps;
        figures["clients"] = o.clients;
        if (load.failed) rc = 1;

        // --- whole processes, cached tokens --------------------------------
        auto alone_env = env;
        alone_env.push_back("LATCHKEY_AGENT=off");
        auto latchkey_token = [&](const std::string& s, bool via_agent) {
            return Command{via_agent ? "latchkey token (via the agent)" : "latchkey token (alone)",
                           {LATCHKEY_CLI_PATH, "--config", policy, "--at", s, "token"},
                           via_agent ? env : alone_env};
        };
        std::optional<latchkey::bench::OidcAgentPeer> peer;
        if (o.peer) {
            peer.emplace(oidc_bin, dir + "/oidc");
            auto add = [&](const std::string& name, const DevServer& s) {
                peer->add_account(name, s.url(), "oidc", "oidc-secret",
                                  s.seed_refresh_token("oidc", "openid offline_access"));
            };
            add("cached", hour);
            add("expiring", brief);
        }
        std::vector<Command> contenders = {latchkey_token("cached", true),
                                           latchkey_token("cached", false),
                                           {"/bin/true", {"/bin/true"}, env}};
        if (peer) contenders.push_back({"oidc-token", peer->token_argv("cached"), peer->env()});
        auto m = medians(o.runs, contenders);
        std::printf("cached token as a process, median of %d (taking turns):\n", o.runs);
        for (size_t i = 0; i < m.size(); ++i)
            std::printf("  %-32s %7.2f ms\n", contenders[i].label.c_str(), m[i]);
        std::printf("  via agent / alone %.2f, via agent / /bin/true %.2f", m[0] / m[1],
                    m[0] / m[2]);
        figures["via_agent_ms"] = m[0];
        figures["alone_ms"] = m[1];
        figures["true_ms"] = m[2];
        if (peer) {
            std::printf(", via agent / oidc-token %.2f, alone / oidc-token %.2f", m[0] / m[3],
                        m[1] / m[3]);
            figures["oidc_token_ms"] = m[3];
        }
        std::printf("\n");

        // --- concurrent callers once the token expired ----------------------
        std::map<std::string, Expiry> expiry;
        auto issued = [&](const std::string& client) { return brief.issued(client); };
        auto round_of = [&](const std::string& label, const Command& c, const std::string& client) {
            int before = issued(client);
            double wall = burst(c, o.callers);
            expiry[label].wall_ms.push_back(wall);
            expiry[label].refreshes.push_back(issued(client) - before);
        };
        auto wait_for_expiry = [&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(o.lifetime_s * 1000 + 600));
        };
        Command via = latchkey_token("expiring", true), alone = latchkey_token("expiring", false);
        std::optional<Command> oidc;
        if (peer) oidc = Command{"oidc-token", peer->token_argv("expiring"), peer->env()};
        for (int r = 0; r < o.rounds; ++r) {
            // Each holds a token, then every one has expired.
            timed_run(via);
            if (oidc) timed_run(*oidc);
            wait_for_expiry();
            if (oidc) round_of("oidc-token", *oidc, "oidc");
            round_of("latchkey token (via the agent)", via, "latchkey");
            // Alone shares the agent's store: its own expiry first.
            wait_for_expiry();
            round_of("latchkey token (alone)", alone, "latchkey");
        }
        std::printf("%d concurrent callers once the token expired (%d rounds, %d s tokens):\n",
                    o.callers, o.rounds, o.lifetime_s);
        for (auto& [label, e] : expiry) {
            std::printf("  %-32s median %7.1f ms, refresh requests per round: max %d\n",
                        label.c_str(), percentile(e.wall_ms, 0.5), e.max_refreshes());
            std::string key = label == "oidc-token"                       ? "oidc_token"
                              : label == "latchkey token (via the agent)" ? "via_agent"
                                                                          : "alone";
            figures["expiry_" + key + "_ms"] = percentile(e.wall_ms, 0.5);
            figures["expiry_" + key + "_refreshes"] = e.max_refreshes();
            if (key != "oidc_token" && e.max_refreshes() != 1) {
                std::cerr << "bench_agent: " << label << ": " << e.max_refreshes()
                          << " refresh requests in one round, expected exactly 1" << std::endl;
                rc = 1;
            }
        }
        figures["callers"] = o.callers;
    } catch (const std::exception& e) {
        std::cerr << "bench_agent: " << e.what() << std::endl;
        rc = 1;
    }
    if (agent > 0) {
        kill(agent, SIGTERM);
        waitpid(agent, nullptr, 0);
    }
    if (!o.json.empty()) {
        rapidjson::StringBuffer buf;
        rapidjson::Writer<rapidjson::StringBuffer> w(buf);
        w.StartObject();
        for (auto& [k, v] : figures) {
            w.Key(k.c_str());
            w.Double(v);
        }
        w.EndObject();
        std::ofstream(o.json) << buf.GetString() << "\n";
    }
    std::filesystem::remove_all(dir);
    return rc;
}
