// The borrowing reads (Host::borrow, Site::borrow): the credential lent from
// the calling thread's cache, the same one token() copies; what invalidates
// it; and the by-name lookup, which must tell hosts apart even when a new
// host takes the place of a closed one.
#include <thread>

#include "unit_support.hpp"

namespace {

using namespace lkt;

class Borrow : public CounterSite {};

TEST_F(Borrow, LendsTheCredentialTokenCopies) {
    auto host = open("");
    auto site = host.site("t");
    const latchkey::Credential& lent = site.borrow();
    EXPECT_EQ(lent.token(), "tok-1");
    EXPECT_EQ(lent.header(), "Authorization: Bearer tok-1");
    // The same entry, lent again while nothing changed; by name too.
    EXPECT_EQ(&site.borrow(), &lent);
    EXPECT_EQ(&host.borrow("t"), &lent);
    EXPECT_EQ(host.token("t").token(), "tok-1");
    EXPECT_EQ(site.token().token(), "tok-1");
    EXPECT_EQ(calls(), 1);
}

TEST_F(Borrow, ACopyOutlivesTheNextRead) {
    auto host = open("");
    latchkey::Credential kept = host.borrow("t");
    host.invalidate("t");
    EXPECT_EQ(host.borrow("t").token(), "tok-2");
    EXPECT_EQ(kept.token(), "tok-1");
    EXPECT_EQ(calls(), 2);
}

TEST_F(Borrow, EachThreadBorrowsItsOwnCopy) {
    auto host = open("");
    auto site = host.site("t");
    const latchkey::Credential* mine = &site.borrow();
    const latchkey::Credential* theirs = nullptr;
    std::string their_token;
    std::thread([&] {
        theirs = &site.borrow();
        their_token = theirs->token();
    }).join();
    EXPECT_EQ(their_token, "tok-1");
    EXPECT_NE(mine, theirs);
    EXPECT_EQ(mine->token(), "tok-1");
    EXPECT_EQ(calls(), 1);
}

TEST_F(Borrow, ByNameNeverServesAClosedHostsSite) {
    {
        auto first = open("");
        EXPECT_EQ(first.borrow("t").token(), "tok-1");
    }
    // A new host, maybe at the same address, with the same site name: the
    // thread's last lookup belonged to the closed one and must not match.
    auto second = open("");
    EXPECT_EQ(second.borrow("t").token(), "tok-2");
    EXPECT_EQ(calls(), 2);
}

TEST_F(Borrow, LongSiteNamesAndTheSelectedSite) {
    const std::string name(80, 's');
    count_ = dir.file("count");
    latchkey::HostOptions o;
    o.config_path = dir.write(
        "policy.toml", "[storage]\nbackend = \"memory\"\n[sites." + name +
                           "]\nprovider = \"test-counter\"\ncounter_file = \"" + count_ + "\"\n");
    o.plugin_dirs = {kGoodDir};
    o.log_sink = log.sink();
    auto host = latchkey::Host::open(o);
    EXPECT_EQ(host.borrow(name).token(), "tok-1");
    EXPECT_EQ(host.borrow(name).token(), "tok-1");
    // "" is the selected site: here the only one.
    EXPECT_EQ(host.borrow().token(), "tok-1");
    EXPECT_EQ(calls(), 1);
}

}  // namespace
