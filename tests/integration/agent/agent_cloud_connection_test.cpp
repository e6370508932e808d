// Connections to the loopback cloud endpoints. Naming the caller means
// reading every descriptor of every process of the caller's user until one
// holds the caller's socket (docs/agent.md): a while on a busy machine, and
// that lookup holds up nobody else. A connection kept open to an endpoint
// that a reload removes is refused, and the agent goes on.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "agent_fixture.hpp"

namespace latchkey::itest {
namespace {

// Processes of this user holding many descriptors, as on a busy machine,
// and a caller forked after them (a higher pid, so the agent reads all of
// theirs first), holding as many before its socket. The
// caller connects to 127.0.0.1:`port`, sends `request` and copies the
// answer to a pipe; the constructor returns once the request is sent.
class BusyCaller {
 public:
    BusyCaller(int port, const std::string& request) {
        // Up to 20 000 each, leaving room for this process's own
        // connections meanwhile.
        getrlimit(RLIMIT_NOFILE, &saved_);
        rlimit raised = saved_;
        raised.rlim_cur = std::min<rlim_t>(raised.rlim_max, 20'256);
        setrlimit(RLIMIT_NOFILE, &raised);
        size_t room = raised.rlim_cur > 512 ? raised.rlim_cur - 256 : raised.rlim_cur / 2;
        pid_t parent = getpid();
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        held_.push_back(null);
        for (int fd; held_.size() < room && (fd = fcntl(null, F_DUPFD_CLOEXEC, 0)) >= 0;)
            held_.push_back(fd);
        // Some 40 000 descriptors in busy processes, besides the caller's
        // and this process's own: a lookup of about a second.
        size_t busy = std::clamp<size_t>(40'000 / held_.size(), 1, 64);
        for (size_t i = 0; i < busy; ++i) {
            pid_t pid = fork();
            if (pid == 0) {
                end_with(parent);
                for (;;) pause();
            }
            if (pid > 0) pids_.push_back(pid);
        }
        int ready[2], answer[2];
        if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(answer, O_CLOEXEC) != 0) return;
        caller_ = fork();
        if (caller_ == 0) {
            end_with(parent);
            call(port, request, ready[1], answer[1]);
        }
        if (caller_ > 0) pids_.push_back(caller_);
        close(ready[1]);
        close(answer[1]);
        answer_fd_ = answer[0];
        pollfd p{ready[0], POLLIN, 0};
        char byte;
        sent_ = poll(&p, 1, 10'000) == 1 && read(ready[0], &byte, 1) == 1;
        close(ready[0]);
    }
    ~BusyCaller() {
        for (pid_t pid : pids_) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
        for (int fd : held_) close(fd);
        if (answer_fd_ >= 0) close(answer_fd_);
        setrlimit(RLIMIT_NOFILE, &saved_);
    }

    bool sent() const { return sent_; }
    pid_t caller() const { return caller_; }
    size_t processes() const { return pids_.size() + 1; }
    size_t descriptors_each() const { return held_.size(); }
    // Whether the answer has begun to arrive.
    bool answered() const {
        pollfd p{answer_fd_, POLLIN, 0};
        return poll(&p, 1, 0) == 1;
    }
    // The whole answer (the agent closes the connection after it).
    std::string answer() const {
        std::string out;
        char buf[4096];
        for (;;) {
            pollfd p{answer_fd_, POLLIN, 0};
            if (poll(&p, 1, 30'000) != 1) break;
            ssize_t n = read(answer_fd_, buf, sizeof buf);
            if (n <= 0) break;
            out.append(buf, static_cast<size_t>(n));
        }
        return out;
    }

 private:
    // A forked child dies with this process, whatever becomes of it.
    static void end_with(pid_t parent) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(1);
    }
    // In the forked caller: system calls only, then _exit.
    [[noreturn]] static void call(int port, const std::string& request, int ready, int answer) {
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(static_cast<uint16_t>(port));
        if (connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 ||
            write(s, request.data(), request.size()) != static_cast<ssize_t>(request.size()) ||
            write(ready, "!", 1) != 1)
            _exit(1);
        char buf[4096];
        for (;;) {
            pollfd p{s, POLLIN, 0};
            if (poll(&p, 1, 60'000) != 1) _exit(1);
            ssize_t n = read(s, buf, sizeof buf);
            if (n <= 0 || write(answer, buf, static_cast<size_t>(n)) != n) _exit(0);
        }
    }

    rlimit saved_{};
    std::vector<int> held_;
    std::vector<pid_t> pids_;
    pid_t caller_ = -1;
    int answer_fd_ = -1;
    bool sent_ = false;
};

const std::string kTokenPath = "/computeMetadata/v1/instance/service-accounts/default/token";

class AgentCloudConnection : public AgentTest {
 protected:
    // The site `dev` served on a GCE endpoint: its host:port.
    std::string start_gce_agent() {
        write_cc_policy("cloud_endpoint = \"gce\"\n");
        start_agent();
        auto env = curl("/v1/cloud-env?site=dev");
        EXPECT_EQ(env.status, 200) << env.body;
        std::string host = json_string(parse_json(env.body)["variables"], "GCE_METADATA_HOST");
        EXPECT_EQ(host.rfind("127.0.0.1:", 0), 0u) << env.body;
        return host;
    }
};

TEST_F(AgentCloudConnection, ASlowCallerLookupHoldsUpNoUnixSocketClient) {
    std::string host = start_gce_agent();
    int port = std::stoi(host.substr(host.find(':') + 1));
    // The site's token, fetched once: from now on the Unix socket answers
    // from the cache.
    ASSERT_EQ(curl("/v1/token?site=dev").status, 200);

    BusyCaller caller(port, "GET " + kTokenPath + " HTTP/1.1\r\nHost: " + host +
                                "\r\nMetadata-Flavor: Google\r\nConnection: close\r\n\r\n");
    ASSERT_TRUE(caller.sent());
    // While the agent looks for that caller, Unix-socket clients are
    // answered one after the other. (With the lookup on the agent's I/O
    // thread, the first of them waited for it to finish.)
    const std::string request =
        "GET /v1/token?site=dev HTTP/1.1\r\nHost: agent\r\nConnection: close\r\n\r\n";
    int unix_answers = 0;
    auto start = std::chrono::steady_clock::now();
    while (!caller.answered() &&
           std::chrono::steady_clock::now() - start < std::chrono::minutes(1)) {
        std::string r = raw(request);
        ASSERT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
        ++unix_answers;
    }
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);

    std::string answer = caller.answer();
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
    EXPECT_NE(answer.find("\"access_token\":\"dev-at-"), std::string::npos) << answer;
    EXPECT_GE(unix_answers, 10) << "the loopback caller waited " << waited.count()
                                << " ms for its answer, behind " << caller.processes()
                                << " processes of " << caller.descriptors_each()
                                << " descriptors; meanwhile " << unix_answers
                                << " Unix-socket requests were answered";
    // The lookup found the caller behind all of them.
    std::string exe = std::filesystem::canonical("/proc/self/exe").string();
    EXPECT_NE(audit().find("site=dev decision=served endpoint=gce-metadata uid=" +
                           std::to_string(getuid()) + " gid=" + std::to_string(getegid()) +
                           " pid=" + std::to_string(caller.caller()) + " exe=" + exe),
              std::string::npos)
        << audit();
}

size_t append_to(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
}

TEST_F(AgentCloudConnection, AKeepAliveConnectionToAnEndpointAReloadRemovedIsRefused) {
    std::string host = start_gce_agent();
    // One libcurl handle: its second request goes on the same connection.
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> sdk(curl_easy_init(), curl_easy_cleanup);
    std::string body;
    curl_slist* flavor = curl_slist_append(nullptr, "Metadata-Flavor: Google");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(flavor,
                                                                        curl_slist_free_all);
    std::string url = "http://" + host + kTokenPath;
    curl_easy_setopt(sdk.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(sdk.get(), CURLOPT_HTTPHEADER, flavor);
    curl_easy_setopt(sdk.get(), CURLOPT_WRITEFUNCTION, append_to);
    curl_easy_setopt(sdk.get(), CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(sdk.get(), CURLOPT_TIMEOUT, 10L);
    ASSERT_EQ(curl_easy_perform(sdk.get()), CURLE_OK);
    long status = 0;
    curl_easy_getinfo(sdk.get(), CURLINFO_RESPONSE_CODE, &status);
    ASSERT_EQ(status, 200) << body;

    // The site stays, its endpoint goes.
    write_cc_policy();
    kill(agent_pid(), SIGHUP);
    CurlResult env;
    for (int i = 0; i < 100 && (env = curl("/v1/cloud-env?site=dev")).status == 200; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_NE(env.status, 200) << "the endpoint is still served after SIGHUP";

    body.clear();
    ASSERT_EQ(curl_easy_perform(sdk.get()), CURLE_OK) << "the agent dropped the connection";
    long connects = -1;
    curl_easy_getinfo(sdk.get(), CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(sdk.get(), CURLINFO_NUM_CONNECTS, &connects);
    EXPECT_EQ(connects, 0) << "not the same connection";
    EXPECT_EQ(status, 503) << body;
    EXPECT_NE(body.find("this endpoint is no longer served"), std::string::npos) << body;
    EXPECT_EQ(body.find("dev-at-"), std::string::npos) << body;
    // The agent goes on serving.
    EXPECT_EQ(curl("/v1/token?site=dev").status, 200);
    EXPECT_NE(
        audit().find("decision=invalid endpoint=gce-metadata uid=" + std::to_string(getuid())),
        std::string::npos)
        << audit();
}

}  // namespace
}  // namespace latchkey::itest
