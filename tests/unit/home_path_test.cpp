// util::expand_home: what a path option's text becomes. Only a leading `~`,
// `$HOME` or `${HOME}` that is the whole first component is replaced.
#include "util/home_path.hpp"

#include "unit_support.hpp"

namespace {

using latchkey::util::expand_home;
using namespace lkt;

class HomePath : public Isolated {};

TEST_F(HomePath, TheThreeSpellingsOfTheHomeDirectoryExpand) {
    const std::string h = home.path();
    EXPECT_EQ(expand_home("~/key.pem"), h + "/key.pem");
    EXPECT_EQ(expand_home("$HOME/keys/key.pem"), h + "/keys/key.pem");
    EXPECT_EQ(expand_home("${HOME}/key.pem"), h + "/key.pem");
    EXPECT_EQ(expand_home("~"), h);
    EXPECT_EQ(expand_home("$HOME"), h);
}

TEST_F(HomePath, AnythingElseIsLeftAsWritten) {
    for (const char* p : {"/etc/key.pem", "key.pem", "~other/key.pem", "$HOMEDIR/key.pem",
                          "${HOME}x/key.pem", "keys/~/key.pem", "/x/$HOME/key.pem", ""})
        EXPECT_EQ(expand_home(p), p) << p;
}

TEST_F(HomePath, ExpandingTwiceChangesNothingMore) {
    const std::string once = expand_home("~/key.pem");
    EXPECT_EQ(expand_home(once), once);
}

TEST_F(HomePath, WithoutAHomeThePathStaysAsWritten) {
    env.unset("HOME");
    EXPECT_EQ(expand_home("~/key.pem"), "~/key.pem");
    env.set("HOME", "");
    EXPECT_EQ(expand_home("$HOME/key.pem"), "$HOME/key.pem");
}

}  // namespace
