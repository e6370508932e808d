// A plugin's declared ABI minor decides which fields of its structs the host
// reads (sdk/include/latchkey/provider.h, "Versions"): a plugin that says
// 1.0 is a 1.0 plugin whatever its struct sizes say, and one of a newer
// minor loads and is used through the fields this host knows. The plugins
// are real C libraries from tests/plugins/abi_minor.c.
#include "devserver.hpp"
#include "unit_support.hpp"

namespace {

using latchkey::ErrorKind;
using namespace lkt;

class AbiMinor : public Isolated {
 protected:
    std::shared_ptr<latchkey::HostImpl> host(const std::string& provider,
                                             const std::string& options = "") {
        std::string text = "[storage]\nbackend = \"memory\"\n[sites.t]\nprovider = \"" + provider +
                           "\"\n" + options;
        return open_host(dir.write("p.toml", text), &log, {}, latchkey::LogLevel::info,
                         {plugin_case(provider)});
    }
    LogCapture log;
};

TEST_F(AbiMinor, AnOlderMinorNeverHasTheLaterMethodsCalled) {
    // old-minor's descriptor is as large as 1.1's and fills revoke and
    // whoami, but it declares 1.0: neither is the plugin's to offer.
    auto h = host("old-minor");
    auto& s = h->site("t");
    EXPECT_EQ(s.tokens->token().token(), "old-minor-token");
    auto e = catch_error([&] { s.tokens->whoami(); });
    EXPECT_EQ(e.kind(), ErrorKind::config) << e.what();
    EXPECT_EQ(std::string(e.what()),
              "site 't': provider old-minor cannot tell who a credential belongs to (check the "
              "policy: `latchkey config check --at t`)");
    // Its revoke would fail the logout with a message; it is never called.
    EXPECT_EQ(s.tokens->logout(), std::nullopt);
}

TEST_F(AbiMinor, AnOlderMinorNeverHasTheLaterRequestFieldsRead) {
    // old-minor sends a 1.1-sized request naming a client certificate that
    // does not exist; read as the 1.0 request it declares, it is a plain GET.
    latchkey::test::DevServer server;
    auto h = host("old-minor",
                  "url = \"" + server.url() + "/.well-known/oauth-authorization-server\"\n");
    auto& s = h->site("t");
    EXPECT_EQ(s.tokens->token().token(), "http-200") << log.all();
}

TEST_F(AbiMinor, ANewerMinorLoadsAndIsUsedThroughTheFieldsThisHostKnows) {
    auto h = host("new-minor");
    auto& s = h->site("t");
    EXPECT_EQ(s.tokens->token().token(), "new-minor-token");
    EXPECT_EQ(s.tokens->whoami(), "{\"sub\":\"new-minor\"}");
}

}  // namespace
