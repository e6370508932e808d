// The credential helpers as the tools run them (issue 12's figures):
//   1. a cached `git credential fill` through latchkey, against git's own
//      `store` helper reading a file;
//   2. a cached `latchkey kube-credential` (what kubectl runs), against
//      spawning /bin/true;
//   3. 8 kubectl processes at once after the token expired: how many tokens
//      the dev server issued for them (the target is 1: one refresh shared
//      across processes through the file store's lock).
// Medians of --runs timed runs of each, after one warm-up. The dev server and
// the kubectl API stub listen on 127.0.0.1 and are stopped at the end.
//
//   bench_helpers [--runs N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "bench_args.hpp"
#include "devserver.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace {

using latchkey::test::RunOptions;
using latchkey::test::RunResult;

double median_ms(int runs, const std::vector<std::string>& argv, const RunOptions& o) {
    latchkey::test::run(argv, o);  // warm-up: fills caches
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        RunResult r = latchkey::test::run(argv, o);
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
        if (r.exit_code != 0) {
            std::cerr << "bench_helpers: " << argv[0] << " failed: " << r.err << std::endl;
            std::exit(1);
        }
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

void usage(int code) {
    (code ? std::cerr : std::cout) << "usage: bench_helpers [--runs N]\n";
    std::exit(code);
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 50;
    latchkey::bench::parse_args(argc, argv, usage, [&](const std::string& f, auto value) {
        if (f != "--runs") return false;
        runs = std::max(1, std::atoi(value().c_str()));
        return true;
    });
    const std::string latchkey = LATCHKEY_CLI_PATH;
    latchkey::test::TempDir dir;
    // `dev`: an hour-long token, for the cached runs; `short`: 3 s, to expire.
    latchkey::test::DevServer cached({"--client", "demo:bench-secret"});
    latchkey::test::DevServer server({"--client", "demo:bench-secret", "--token-lifetime", "3"});
    auto site = [](const std::string& name, const latchkey::test::DevServer& s) {
        return "[sites." + name + "]\nprovider = \"oauth2-client-credentials\"\ntoken_url = \"" +
               s.token_url() + "\"\nclient_id = \"demo\"\nclient_secret = \"bench-secret\"\n";
    };
    std::string policy = dir.write(
        "policy.toml", site("dev", cached) + "url_patterns = [\"https://git.example.test\"]\n" +
                           site("short", server) + "refresh_before = \"1s\"\n");
    RunOptions o;
    o.env["HOME"] = dir.path();
    o.env["XDG_STATE_HOME"] = dir.file("state");
    o.env["LATCHKEY_CONFIG"] = policy;
    o.env["GIT_CONFIG_NOSYSTEM"] = "1";
    o.env["GIT_TERMINAL_PROMPT"] = "0";
    o.env["PATH"] = latchkey.substr(0, latchkey.rfind('/')) + ":/usr/bin:/bin";
    o.stdin_data = "protocol=https\nhost=git.example.test\n\n";
    std::string store = dir.write("git-store", "https://u:stored-pw@git.example.test\n");

    // 1. git credential fill.
    auto git = [&](const std::string& helper) {
        return std::vector<std::string>{
            "/usr/bin/git", "-c",  "credential.helper=", "-c", "credential.helper=" + helper,
            "credential",   "fill"};
    };
    double git_latchkey = median_ms(runs, git("latchkey"), o);
    double git_store = median_ms(runs, git("store --file " + store), o);

    // 2. kube-credential against /bin/true.
    RunOptions k = o;
    k.stdin_data.clear();
    k.env["KUBERNETES_EXEC_INFO"] =
        "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
        "\"spec\":{\"interactive\":false}}";
    double kube = median_ms(runs, {latchkey, "--at", "dev", "kube-credential"}, k);
    double spawn_true = median_ms(runs, {"/bin/true"}, k);

    // 3. 8 kubectl processes after expiry, against the API stub.
    std::string cert = dir.file("api.pem"), key = dir.file("api.key");
    latchkey::test::run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                         "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj",
                         "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key,
                         "-out", cert});
    latchkey::test::Child stub(
        {"/usr/bin/python3",
         std::string(LATCHKEY_SOURCE_DIR) + "/tests/integration/credential_helpers/stub_servers.py",
         "kube", "--devserver", server.url(), "--cert", cert, "--key", key});
    auto line = stub.read_line(10'000);
    if (!line) return std::cerr << "bench_helpers: the API stub did not start\n", 1;
    std::string url = line->substr(line->find("https://"));
    std::string kubeconfig = dir.write(
        "kubeconfig",
        "apiVersion: v1\nkind: Config\ncurrent-context: b\nclusters:\n- name: b\n"
        "  cluster:\n    server: " +
            url + "\n    certificate-authority: " + cert +
            "\ncontexts:\n- name: b\n  context: {cluster: b, user: b}\nusers:\n- name: b\n"
            "  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
            "      command: " +
            latchkey +
            "\n      args: [--at, short, kube-credential]\n      interactiveMode: Never\n");
    std::vector<std::string> kubectl{
        "/usr/bin/kubectl", "--kubeconfig", kubeconfig, "get", "--raw", "/api"};
    latchkey::test::run(kubectl, k);
    // Past the token's 3 s lifetime (the expiry is what is measured, not a race).
    std::this_thread::sleep_for(std::chrono::milliseconds(3200));
    int before = server.issued("demo");
    std::vector<RunResult> results(8);
    std::vector<std::thread> threads;
    for (auto& r : results) threads.emplace_back([&] { r = latchkey::test::run(kubectl, k); });
    for (auto& t : threads) t.join();
    int ok = 0;
    for (auto& r : results) ok += r.exit_code == 0;
    int fetches = server.issued("demo") - before;

    std::printf(
        "git credential fill, cached: latchkey %.1f ms, git's store helper %.1f ms "
        "(median of %d)\n",
        git_latchkey, git_store, runs);
    std::printf(
        "kubectl exec credential, cached: latchkey kube-credential %.1f ms, /bin/true %.1f ms "
        "(median of %d)\n",
        kube, spawn_true, runs);
    std::printf(
        "8 kubectl at once after expiry: %d succeeded, upstream fetches %d (target 1: %s)\n", ok,
        fetches, fetches == 1 && ok == 8 ? "PASS" : "MISS");
    return 0;
}
