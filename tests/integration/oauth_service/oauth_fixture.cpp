#include "oauth_fixture.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace latchkey::itest {

namespace {

// Runs openssl with `args`; a failure ends the test program: no key, no test.
void openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"/usr/bin/openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = test::run(argv);
    if (r.exit_code != 0)
        throw std::runtime_error("openssl " + join_args(args) + " failed: " + r.err);
}

TestKeys make_keys(const test::TempDir& dir) {
    TestKeys k;
    k.rsa = dir.file("rsa.pem");
    k.rsa_pub = dir.file("rsa.pub.pem");
    k.ec = dir.file("ec.pem");
    k.ec_pub = dir.file("ec.pub.pem");
    k.rsa_encrypted = dir.file("rsa-encrypted.pem");
    k.other_rsa = dir.file("other.pem");
    k.other_rsa_pub = dir.file("other.pub.pem");
    openssl({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", k.rsa});
    openssl({"pkey", "-in", k.rsa, "-pubout", "-out", k.rsa_pub});
    openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", k.ec});
    openssl({"pkey", "-in", k.ec, "-pubout", "-out", k.ec_pub});
    openssl({"pkey", "-in", k.rsa, "-aes256", "-passout", "pass:" + kKeyPassphrase, "-out",
             k.rsa_encrypted});
    openssl(
        {"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", k.other_rsa});
    openssl({"pkey", "-in", k.other_rsa, "-pubout", "-out", k.other_rsa_pub});
    k.not_a_key = dir.write(
        "not-a-key.pem", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");

    // A CA, a server certificate for 127.0.0.1 and a client certificate it
    // signed (tls_client_auth); the client key also encrypted.
    k.ca_cert = dir.file("ca.crt");
    const std::string ca_key = dir.file("ca.key");
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", k.ca_cert,
             "-days", "2", "-subj", "/CN=latchkey test CA"});
    auto sign = [&](const std::string& name, const std::string& subject, const std::string& ext) {
        const std::string csr = dir.file(name + ".csr");
        openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.file(name + ".key"), "-out",
                 csr, "-subj", subject});
        std::vector<std::string> args{"x509",
                                      "-req",
                                      "-in",
                                      csr,
                                      "-CA",
                                      k.ca_cert,
                                      "-CAkey",
                                      ca_key,
                                      "-CAcreateserial",
                                      "-out",
                                      dir.file(name + ".crt"),
                                      "-days",
                                      "2"};
        if (!ext.empty()) {
            args.push_back("-extfile");
            args.push_back(dir.write(name + ".ext", ext));
        }
        openssl(args);
    };
    sign("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\n");
    k.server_cert = dir.file("server.crt");
    k.server_key = dir.file("server.key");
    sign("client", "/O=Latchkey Test/CN=tls-app", "");
    k.client_cert = dir.file("client.crt");
    k.client_key = dir.file("client.key");
    k.client_key_encrypted = dir.file("client-encrypted.key");
    openssl({"pkey", "-in", k.client_key, "-aes256", "-passout", "pass:" + kKeyPassphrase, "-out",
             k.client_key_encrypted});
    return k;
}

size_t append(char* d, size_t s, size_t n, void* u) {
    static_cast<std::string*>(u)->append(d, s * n);
    return s * n;
}

}  // namespace

const TestKeys& keys() {
    static test::TempDir dir;  // lives as long as the test program
    static const TestKeys k = make_keys(dir);
    return k;
}

test::HttpResult post_form(const std::string& url,
                           const std::vector<std::pair<std::string, std::string>>& fields,
                           const std::string& basic_user, const std::string& basic_password) {
    test::HttpResult r;
    CURL* c = curl_easy_init();
    std::string body;
    for (auto& [k, v] : fields) {
        char* ek = curl_easy_escape(c, k.c_str(), static_cast<int>(k.size()));
        char* ev = curl_easy_escape(c, v.c_str(), static_cast<int>(v.size()));
        body += (body.empty() ? "" : "&") + std::string(ek) + "=" + ev;
        curl_free(ek);
        curl_free(ev);
    }
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    if (!basic_user.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, basic_user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, basic_password.c_str());
    }
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(c);
    return r;
}

std::string form_value(const std::string& body, const std::string& name) {
    size_t at = 0;
    while (at <= body.size()) {
        size_t end = body.find('&', at);
        if (end == std::string::npos) end = body.size();
        std::string pair = body.substr(at, end - at);
        size_t eq = pair.find('=');
        if (eq != std::string::npos && pair.substr(0, eq) == name) {
            std::string v = pair.substr(eq + 1);
            for (auto& ch : v)
                if (ch == '+') ch = ' ';
            int len = 0;
            char* raw = curl_easy_unescape(nullptr, v.c_str(), static_cast<int>(v.size()), &len);
            std::string out(raw, static_cast<size_t>(len));
            curl_free(raw);
            return out;
        }
        at = end + 1;
    }
    return "";
}

rapidjson::Document jwt_part(const std::string& jwt, int index) {
    rapidjson::Document d;
    size_t a = jwt.find('.');
    size_t b = a == std::string::npos ? a : jwt.find('.', a + 1);
    if (b == std::string::npos) return d;
    std::string seg = index == 0 ? jwt.substr(0, a) : jwt.substr(a + 1, b - a - 1);
    for (auto& ch : seg) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    while (seg.size() % 4) seg += '=';
    std::string out(seg.size(), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(seg.data()),
                            static_cast<int>(seg.size()));
    if (n < 0) return d;
    out.resize(static_cast<size_t>(n));
    while (!out.empty() && out.back() == '\0') out.pop_back();  // padding bytes
    d.Parse(out.c_str());
    if (d.HasParseError()) d.SetNull();
    return d;
}

// ---- CannedServer ----------------------------------------------------------

std::string raw_response(int status, const std::string& content_type, const std::string& body,
                         const std::string& extra_headers) {
    // No Content-Length: the body ends when the connection closes, so the
    // server may put its own address (kSelfUrl) into it.
    return "HTTP/1.1 " + std::to_string(status) + " Canned\r\nContent-Type: " + content_type +
           "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body;
}

CannedServer::CannedServer(std::string fallback, std::map<std::string, std::string> by_path) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        listen(fd_, 8) != 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("canned server: cannot listen on 127.0.0.1");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, fallback = std::move(fallback), by_path = std::move(by_path)] {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, 100) <= 0) continue;
            int c = accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            // Read the request head, then as much body as Content-Length says.
            std::string req;
            char buf[4096];
            size_t want = std::string::npos;
            for (int i = 0; i < 50; ++i) {
                size_t head_end = req.find("\r\n\r\n");
                if (head_end != std::string::npos) {
                    if (want == std::string::npos) {
                        want = head_end + 4;
                        std::string lower = req.substr(0, head_end);
                        for (auto& ch : lower) ch = static_cast<char>(tolower(ch));
                        size_t cl = lower.find("content-length:");
                        if (cl != std::string::npos) want += std::stoul(lower.substr(cl + 15));
                    }
                    if (req.size() >= want) break;
                }
                pollfd q{c, POLLIN, 0};
                if (poll(&q, 1, 100) <= 0) continue;
                ssize_t n = read(c, buf, sizeof buf);
                if (n <= 0) break;
                req.append(buf, static_cast<size_t>(n));
            }
            size_t head_end = req.find("\r\n\r\n");
            std::string body = head_end == std::string::npos ? "" : req.substr(head_end + 4);
            // "GET /path HTTP/1.1": the path picks the answer.
            size_t sp = req.find(' ');
            std::string path =
                sp == std::string::npos ? "" : req.substr(sp + 1, req.find(' ', sp + 1) - sp - 1);
            {
                std::lock_guard<std::mutex> lock(mutex_);
                paths_.push_back(path);
                bodies_.push_back(body);
            }
            ++requests_;
            auto it = by_path.find(path);
            std::string raw = it == by_path.end() ? fallback : it->second;
            for (size_t at; (at = raw.find(kSelfUrl)) != std::string::npos;)
                raw.replace(at, std::string(kSelfUrl).size(), url());
            if (!raw.empty()) {
                size_t off = 0;
                while (off < raw.size()) {
                    ssize_t n = write(c, raw.data() + off, raw.size() - off);
                    if (n <= 0) break;
                    off += static_cast<size_t>(n);
                }
            }
            close(c);
        }
    });
}

std::vector<std::string> CannedServer::paths() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return paths_;
}

std::vector<std::string> CannedServer::bodies() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return bodies_;
}

CannedServer::~CannedServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
}

// ---- OAuthTest -------------------------------------------------------------

OAuthTest::OAuthTest() {
    env_[kSecretVar] = kSecret;
    never_print(kSecret);
    never_print(kOtherSecret);
    never_print(kKeyPassphrase);
}

void OAuthTest::start(const std::vector<std::string>& extra) {
    std::vector<std::string> args = devserver_clients();
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<test::DevServer>(args);
}

std::string OAuthTest::site(const std::string& name, const std::string& provider,
                            const std::string& body) {
    return "[sites." + name + "]\nprovider = \"" + provider + "\"\n" + body;
}

std::string OAuthTest::client_lines() {
    return "client_id = \"" + kClient + "\"\nclient_secret = { env = \"" + kSecretVar + "\" }\n";
}

std::string OAuthTest::seed_refresh_token(const std::string& client) {
    auto r = test::http_post_json(server_->url() + "/admin/refresh_tokens",
                                  "{\"client_id\": \"" + client + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    auto d = parse_json(r.body);
    std::string rt = json_string(d, "refresh_token");
    never_print(rt);  // a credential: no command may print it
    return rt;
}

long OAuthTest::whoami_status(const std::string& token) const {
    return test::http_get(server_->url() + "/api/whoami", "Authorization: Bearer " + token).status;
}

int OAuthTest::client_stat(const std::string& client, const std::string& group,
                           const std::string& key) {
    auto d = server_->stats();
    if (!d.HasMember("clients") || !d["clients"].HasMember(client.c_str())) return 0;
    const auto& c = d["clients"][client.c_str()];
    if (!c.HasMember(group.c_str()) || !c[group.c_str()].HasMember(key.c_str())) return 0;
    return c[group.c_str()][key.c_str()].GetInt();
}

}  // namespace latchkey::itest
