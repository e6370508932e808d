// bench_agent: `latchkey agent` measured as its clients see it.
//
// It writes a policy with one api-key site into a private temporary
// directory, starts `latchkey --config P agent --socket S` there, and times
//   round trip   one keep-alive connection, GET /v1/token?site=bench, one
//                request at a time (--requests of them): median and p99
//   throughput   --clients keep-alive connections, one thread each, asking
//                as fast as they can for --seconds: requests per second
//   process      `latchkey token` as a whole process (--runs each): through
//                the agent, alone (LATCHKEY_AGENT=off), and /bin/true, the
//                cost of a process start, as the floor
//   peer         with --oidc-token PATH: that program's wall time the same
//                way (oidc-agent's client, when an oidc-agent is set up)
// The agent writes its audit lines to a file in the directory, as it would
// in service. Requests use Boost.Beast, as the agent does.
//
// It exits non-zero only when something does not work; it asserts no speed.
#include <signal.h>
#include <spawn.h>
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
#include <string>
#include <thread>
#include <vector>

#include "bench_args.hpp"

extern char** environ;

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

struct Options {
    int requests = 20000;
    int clients = 64;
    double seconds = 2.0;
    int runs = 100;
    std::string oidc_token;
};

void usage(int code) {
    std::cout << "usage: bench_agent [--requests N] [--clients N] [--seconds S] [--runs N]\n"
                 "                   [--oidc-token PATH]\n";
    std::exit(code);
}

// One keep-alive connection to the agent.
class Client {
 public:
    explicit Client(const std::string& path) : socket_(io_) {
        socket_.connect(net::local::stream_protocol::endpoint(path));
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

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Spawns argv with `env`, stdout to /dev/null; returns its wall time in ms.
double timed_run(std::vector<std::string> argv, std::vector<std::string> env) {
    auto cargv = latchkey::bench::c_strings(argv);
    auto cenv = latchkey::bench::c_strings(env);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    auto start = Clock::now();
    pid_t pid;
    if (posix_spawn(&pid, cargv[0], &fa, nullptr, cargv.data(), cenv.data()) != 0)
        throw std::runtime_error("cannot run " + argv[0]);
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    waitpid(pid, &status, 0);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(argv[0] + " failed");
    return ms;
}

double median_run(int runs, const std::vector<std::string>& argv,
                  const std::vector<std::string>& env) {
    std::vector<double> t;
    timed_run(argv, env);  // warm the page cache
    for (int i = 0; i < runs; ++i) t.push_back(timed_run(argv, env));
    return percentile(t, 0.5);
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    latchkey::bench::parse_args(argc, argv, usage, [&](const std::string& a, auto value) {
        if (a == "--requests")
            o.requests = std::stoi(value());
        else if (a == "--clients")
            o.clients = std::stoi(value());
        else if (a == "--seconds")
            o.seconds = std::stod(value());
        else if (a == "--runs")
            o.runs = std::stoi(value());
        else if (a == "--oidc-token")
            o.oidc_token = value();
        else
            return false;
        return true;
    });
    char tmpl[] = "/tmp/latchkey-bench-agent-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::string policy = dir + "/config.toml", sock = dir + "/agent.sock";
    std::ofstream(policy) << "[sites.bench]\nprovider = \"api-key\"\n"
                             "api_key = \"bench-Agent-key-0123456789abcdef\"\n";
    std::vector<std::string> env = {"HOME=" + dir,
                                    "XDG_STATE_HOME=" + dir + "/state",
                                    "XDG_CONFIG_HOME=" + dir,
                                    "XDG_RUNTIME_DIR=" + dir,
                                    "PATH=/usr/bin:/bin",
                                    "LATCHKEY_AGENT_SOCKET=" + sock,
                                    "LATCHKEY_PLUGIN_PATH=" LATCHKEY_PROVIDER_DIR};
    std::vector<std::string> agent_argv = {
        LATCHKEY_CLI_PATH,  "--config",          policy, "agent", "--socket", sock, "--audit-file",
        dir + "/audit.log", "--max-connections", "512"};
    auto cargv = latchkey::bench::c_strings(agent_argv);
    auto cenv = latchkey::bench::c_strings(env);
    pid_t agent;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&agent, cargv[0], &fa, nullptr, cargv.data(), cenv.data()) != 0) return 1;
    int rc = 0;
    try {
        for (int i = 0; i < 200 && !std::filesystem::exists(sock); ++i)
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
        std::printf("round trip (1 keep-alive client, %d requests): median %.1f us, p99 %.1f us\n",
                    o.requests, percentile(us, 0.5), percentile(us, 0.99));

        std::atomic<bool> stop{false};
        std::atomic<long> done{0}, failed{0};
        std::vector<std::thread> threads;
        for (int c = 0; c < o.clients; ++c)
            threads.emplace_back([&] {
                Client client(sock);
                long n = 0;
                while (!stop) {
                    if (!client.ask()) ++failed;
                    ++n;
                }
                done += n;
            });
        std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
        stop = true;
        for (auto& t : threads) t.join();
        std::printf("throughput (%d keep-alive clients, %.1f s): %.0f requests/s (%ld failed)\n",
                    o.clients, o.seconds, static_cast<double>(done) / o.seconds, failed.load());
        if (failed) rc = 1;

        std::vector<std::string> token = {LATCHKEY_CLI_PATH, "--config", policy, "token"};
        double via = median_run(o.runs, token, env);
        auto alone_env = env;
        alone_env.push_back("LATCHKEY_AGENT=off");
        double alone = median_run(o.runs, token, alone_env);
        double floor = median_run(o.runs, {"/bin/true"}, env);
        std::printf(
            "latchkey token, median of %d: via agent %.2f ms, alone %.2f ms, /bin/true "
            "%.2f ms (via/alone %.2f)\n",
            o.runs, via, alone, floor, via / alone);
        if (!o.oidc_token.empty()) {
            double peer = median_run(o.runs, {o.oidc_token}, env);
            std::printf("peer %s, median of %d: %.2f ms (latchkey via agent / peer %.2f)\n",
                        o.oidc_token.c_str(), o.runs, peer, via / peer);
        }
    } catch (const std::exception& e) {
        std::cerr << "bench_agent: " << e.what() << std::endl;
        rc = 1;
    }
    kill(agent, SIGTERM);
    waitpid(agent, nullptr, 0);
    std::filesystem::remove_all(dir);
    return rc;
}
