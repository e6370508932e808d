// `latchkey storage list|migrate|check` as a user runs them: against the dev
// server, with the file store and the example storage plugin
// (directory-storage, from the build tree's plugin directory).
#include <sys/stat.h>

#include <filesystem>

#include "cli_test.hpp"

namespace latchkey::itest {
namespace {

class StorageCli : public DevServerTest {
 protected:
    // The dev site, plus the options of the plugin backend.
    std::string write_policy_with_plugin() {
        return write_policy(cc_site("dev") + "\n[storage.directory-storage]\ndir = \"" +
                            plugin_dir() + "\"\n");
    }
    std::string plugin_dir() const { return sandbox_.file("dirstore"); }
    int json_files_in_state() const {
        int n = 0;
        std::error_code ec;
        for (auto& e : std::filesystem::directory_iterator(state_dir(), ec))
            n += e.path().extension() == ".json";
        return n;
    }
    int issued() const { return server_.issued(kClient); }
};

TEST_F(StorageCli, ListShowsBackendKeyAndExpiryButNoSecret) {
    write_cc_policy();
    auto t = lk({"token"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    token_like(first_line(t.out));
    auto r = lk({"storage", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("dev"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("file"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("dev."), std::string::npos) << r.out;  // the storage key SITE.HASH
    EXPECT_NE(r.out.find("expires in"), std::string::npos) << r.out;

    auto j = lk({"-o", "json", "storage", "list"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    rapidjson::Document d;
    d.Parse(j.out.c_str());
    ASSERT_FALSE(d.HasParseError()) << j.out;
    ASSERT_TRUE(d["entries"].IsArray());
    ASSERT_EQ(d["entries"].Size(), 1u);
    EXPECT_EQ(json_string(d["entries"][0], "site"), "dev");
    EXPECT_EQ(json_string(d["entries"][0], "backend"), "file");
}

TEST_F(StorageCli, ListReportsAnIdentityNoSiteUsesAnyMore) {
    write_cc_policy();
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    // The same site with another scope set is another identity.
    write_cc_policy("scopes = [\"read\"]\n");
    auto r = lk({"storage", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("not stored"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("unused identity"), std::string::npos) << r.out;
}

TEST_F(StorageCli, MigrateToAStoragePluginMovesTheCredential) {
    write_policy_with_plugin();
    auto first = lk({"token"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    token_like(first_line(first.out));
    ASSERT_EQ(json_files_in_state(), 1);

    auto m = lk({"storage", "migrate", "--from", "file", "--to", "directory-storage"});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    EXPECT_NE(m.out.find("dev: moved from file to directory-storage"), std::string::npos) << m.out;
    EXPECT_NE(m.out.find("1 moved"), std::string::npos) << m.out;
    EXPECT_EQ(json_files_in_state(), 0);  // erased from the source

    // Served from the plugin backend now, without a new fetch.
    auto again = lk({"token"}, {{"LATCHKEY_STORAGE", "directory-storage"}});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(first_line(again.out), first_line(first.out));
    EXPECT_EQ(issued(), 1);
    auto list = lk({"storage", "list"}, {{"LATCHKEY_STORAGE", "directory-storage"}});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(list.out.find("directory-storage"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("expires in"), std::string::npos) << list.out;
}

TEST_F(StorageCli, FailedMigrationKeepsTheSource) {
    // The plugin's directory cannot be created: a file stands in its way.
    sandbox_.write("blocker", "not a directory");
    write_policy(cc_site("dev") + "\n[storage.directory-storage]\ndir = \"" +
                 sandbox_.file("blocker/sub") + "\"\n");
    auto first = lk({"token"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    token_like(first_line(first.out));
    auto m = lk({"storage", "migrate", "--from", "file", "--to", "directory-storage"});
    EXPECT_EQ(m.exit_code, 1) << m.out << m.err;
    EXPECT_NE(m.err.find("directory-storage"), std::string::npos) << m.err;
    EXPECT_EQ(json_files_in_state(), 1);
    auto again = lk({"token"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(first_line(again.out), first_line(first.out));
    EXPECT_EQ(issued(), 1);
}

TEST_F(StorageCli, MigrateWithNothingStoredAndBadArguments) {
    write_policy_with_plugin();
    auto m = lk({"storage", "migrate", "--from", "file", "--to", "directory-storage"});
    EXPECT_EQ(m.exit_code, 0) << m.err;
    EXPECT_NE(m.out.find("nothing stored"), std::string::npos) << m.out;
    EXPECT_NE(m.out.find("0 moved, 1 not stored"), std::string::npos) << m.out;

    auto same = lk({"storage", "migrate", "--from", "file", "--to", "file"});
    EXPECT_EQ(same.exit_code, 2) << same.err;
    auto missing = lk({"storage", "migrate", "--from", "file"});
    EXPECT_EQ(missing.exit_code, 2) << missing.err;
    auto unknown = lk({"storage", "migrate", "--from", "file", "--to", "floppy"});
    EXPECT_EQ(unknown.exit_code, 1) << unknown.err;
    EXPECT_NE(unknown.err.find("unknown backend 'floppy'"), std::string::npos) << unknown.err;
}

TEST_F(StorageCli, CheckReportsTheBackendAndItsPermissions) {
    write_cc_policy();
    ASSERT_EQ(lk({"token"}).exit_code, 0);
    auto ok = lk({"storage", "check"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.out.find("ok: file: " + state_dir()), std::string::npos) << ok.out;

    ASSERT_EQ(chmod(state_dir().c_str(), 0755), 0);
    auto lax = lk({"storage", "check"});
    EXPECT_EQ(lax.exit_code, 1) << lax.out;
    EXPECT_NE(lax.err.find("chmod 700 " + state_dir()), std::string::npos) << lax.err;
    chmod(state_dir().c_str(), 0700);
}

}  // namespace
}  // namespace latchkey::itest
