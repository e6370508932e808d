#include "vendor_fixture.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace latchkey::itest {
namespace {

std::vector<std::string> with_clients(const std::vector<std::string>& args) {
    std::vector<std::string> all = devserver_clients();
    all.insert(all.end(), args.begin(), args.end());
    return all;
}

// The openssl program from PATH (run() takes a full path).
std::string openssl_path() {
    std::istringstream path(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
    for (std::string dir; std::getline(path, dir, ':');)
        if (!dir.empty() && access((dir + "/openssl").c_str(), X_OK) == 0) return dir + "/openssl";
    throw std::runtime_error("the openssl command is not installed");
}

void openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{openssl_path()};
    argv.insert(argv.end(), args.begin(), args.end());
    test::RunResult r = test::run(argv);
    if (r.exit_code != 0)
        throw std::runtime_error("openssl " + join_args(args) + " failed: " + r.err);
}

}  // namespace

VendorTest::VendorTest(const std::vector<std::string>& server_args)
    : server_(with_clients(server_args)) {
    env_[kSecretVar] = kSecret;
    never_print(kSecret);
}

std::uint64_t VendorTest::counter(const std::string& name) const {
    auto stats = server_.stats();
    if (!stats.HasMember("counters") || !stats["counters"].HasMember(name.c_str())) return 0;
    return stats["counters"][name.c_str()].GetUint64();
}

void VendorTest::reply(const std::string& vendor, const std::string& mode) const {
    auto r =
        test::http_post_json(server_.url() + "/admin/" + vendor, "{\"reply\": \"" + mode + "\"}");
    ASSERT_EQ(r.status, 200) << r.body;
}

test::HttpResult VendorTest::get(const std::string& path, const std::string& header_line) const {
    return test::http_get(server_.url() + path, header_line);
}

std::string VendorTest::token(const std::vector<std::string>& args,
                              const std::map<std::string, std::optional<std::string>>& env) {
    std::vector<std::string> all = args;
    all.push_back("token");
    auto r = lk(all, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // Exactly one line, ending in its newline ("" would pass the second check alone).
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line expected:\n" << r.out;
    return first_line(r.out);
}

std::string VendorTest::browser_script() {
    return sandbox_.write("browser.sh",
                          "#!/bin/sh\n"
                          "exec curl -s -o /dev/null --max-time 10 \"$1\"\n",
                          0700);
}

CertificateFiles VendorTest::make_certificate(const std::string& name,
                                              const std::string& common_name,
                                              const std::string& passphrase) {
    CertificateFiles f{sandbox_.file(name + "-cert.pem"), sandbox_.file(name + "-key.pem")};
    const std::string plain_key = sandbox_.file(name + "-plain-key.pem");
    openssl(
        {"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", plain_key});
    openssl({"req", "-new", "-x509", "-key", plain_key, "-out", f.certificate, "-days", "2",
             "-subj", "/CN=" + common_name});
    if (passphrase.empty()) {
        openssl({"pkey", "-in", plain_key, "-out", f.private_key});
    } else {
        openssl({"pkey", "-in", plain_key, "-aes256", "-passout", "pass:" + passphrase, "-out",
                 f.private_key});
    }
    return f;
}

}  // namespace latchkey::itest
