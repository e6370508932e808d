// What crosses a module's table instead of an exception (module/boundary.hpp,
// storage/port.hpp): a module's Storage, wrapped into a port and back, keeps
// its answers, and its errors arrive with their kind and message intact.
#include "module/boundary.hpp"
#include "storage/memory_storage.hpp"
#include "storage/no_throw_storage.hpp"
#include "unit_support.hpp"

namespace {

using latchkey::Error;
using latchkey::ErrorKind;
using latchkey::detail::CredentialData;
using latchkey::module::contain;
using latchkey::module::Fault;
using latchkey::storage::from_port;
using latchkey::storage::MemoryStorage;
using latchkey::storage::Storage;
using latchkey::storage::to_port;

// A backend whose store is unreachable: every call fails the way a real
// one does, with Error(storage) naming the next step.
class UnreachableStorage : public MemoryStorage {
 public:
    std::optional<CredentialData> load(const std::string&) override { fail(); }
    void save(const std::string&, const CredentialData&) override { fail(); }
    std::string check() override { throw std::runtime_error("socket closed"); }

 private:
    [[noreturn]] static void fail() {
        throw Error(ErrorKind::storage, "redis at 127.0.0.1:1 refused the connection; start it");
    }
};

TEST(ModuleBoundary, ContainReturnsTheResultOrKeepsTheError) {
    Fault ok;
    EXPECT_EQ(contain(ok, [] { return std::string("value"); }), "value");
    EXPECT_FALSE(ok.set);

    Fault failed;
    auto r = contain(
        failed, []() -> std::string { throw Error(ErrorKind::rejected, "the server said no"); });
    EXPECT_EQ(r, "");
    ASSERT_TRUE(failed.set);
    EXPECT_EQ(failed.kind, ErrorKind::rejected);
    EXPECT_EQ(failed.message, "the server said no");

    Fault other;
    contain(other, [] { throw 42; });
    ASSERT_TRUE(other.set);
    EXPECT_EQ(other.kind, ErrorKind::internal);
    EXPECT_FALSE(other.message.empty());

    EXPECT_NO_THROW(latchkey::module::raise_if_set(ok));
    try {
        latchkey::module::raise_if_set(failed);
        FAIL() << "raise_if_set did not throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::rejected);
        EXPECT_STREQ(e.what(), "the server said no");
    }
}

TEST(ModuleBoundary, StorageThroughAPortAnswersAsItself) {
    std::unique_ptr<Storage> s = from_port(to_port(std::make_unique<MemoryStorage>()));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->name(), "memory");
    EXPECT_FALSE(s->load("site.k").has_value());
    CredentialData c;
    c.token = "tok-1";
    c.expires_at_ms = 1'900'000'000'000;
    s->save("site.k", c);
    auto back = s->load("site.k");
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->token, "tok-1");
    EXPECT_EQ(back->expires_at_ms, c.expires_at_ms);
    EXPECT_EQ(s->keys(), std::vector<std::string>{"site.k"});
    {
        auto lock = s->lock("site.k");
        EXPECT_TRUE(lock);
    }
    s->erase("site.k");
    EXPECT_FALSE(s->load("site.k").has_value());
    EXPECT_FALSE(from_port(to_port(nullptr)));
}

TEST(ModuleBoundary, StorageErrorsArriveWithTheirKindAndMessage) {
    std::unique_ptr<Storage> s = from_port(to_port(std::make_unique<UnreachableStorage>()));
    try {
        s->load("site.k");
        FAIL() << "load did not throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::storage);
        EXPECT_STREQ(e.what(), "redis at 127.0.0.1:1 refused the connection; start it");
    }
    EXPECT_THROW(s->save("site.k", CredentialData{}), Error);
    try {
        s->check();
        FAIL() << "check did not throw";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::internal);
        EXPECT_STREQ(e.what(), "socket closed");
    }
    // Nothing was lost on the way: the object still answers.
    EXPECT_EQ(s->name(), "memory");
}

}  // namespace
