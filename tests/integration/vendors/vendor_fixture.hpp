// What the vendor tests share: the dev server started with the vendor
// endpoints' settings, its counters, its run-time reply switches, and
// certificates and keys made with the openssl command line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli_test.hpp"

namespace latchkey::itest {

// A certificate and its private key, as PEM files in the sandbox.
struct CertificateFiles {
    std::string certificate;
    std::string private_key;
};

class VendorTest : public CliTest {
 protected:
    // Starts the dev server with the two standard clients and `server_args`.
    explicit VendorTest(const std::vector<std::string>& server_args);

    // A server-wide counter of /admin/stats ("anaplan.refresh", ...); 0 when unset.
    std::uint64_t counter(const std::string& name) const;
    // POST /admin/VENDOR {"reply": MODE}: what the vendor endpoint answers next.
    void reply(const std::string& vendor, const std::string& mode) const;
    // GET server PATH with one header line; the status and body.
    test::HttpResult get(const std::string& path, const std::string& header_line) const;

    // `latchkey [ARGS] token`, which must succeed; its one line.
    std::string token(const std::vector<std::string>& args = {},
                      const std::map<std::string, std::optional<std::string>>& env = {});

    // A $BROWSER script that loads the page it is given, as a person's browser
    // would; with the dev server's auto_consent that approves a device login.
    std::string browser_script();

    // A self-signed RSA certificate (CN=`common_name`) and its key, the key
    // encrypted with `passphrase` when one is given.
    CertificateFiles make_certificate(const std::string& name, const std::string& common_name,
                                      const std::string& passphrase = "");

    test::DevServer server_;
};

}  // namespace latchkey::itest
