// The policy text editor behind `latchkey sites add|modify|remove|set-default`:
// every byte it does not mean to change stays, layouts it cannot edit safely
// are refused without a change, and command-line values become typed TOML.
#include "policy/policy_edit.hpp"

#include <gtest/gtest.h>

#include "latchkey/error.hpp"

namespace {

using latchkey::Error;
using latchkey::ErrorKind;
using latchkey::policy::KeyValue;
using latchkey::policy::OptionSpec;
using latchkey::policy::PolicyText;
using latchkey::policy::toml_value_for;

// A policy with the comments, gaps and ordering a person leaves behind.
const std::string kPolicy =
    "# latchkey policy for the team\n"
    "default_site = \"service\"   # what `latchkey token` uses\n"
    "\n"
    "[defaults]\n"
    "timeout = \"5s\"\n"
    "\n"
    "# Machine to machine.\n"
    "[sites.service]\n"
    "provider = \"oauth2-client-credentials\"\n"
    "token_url = \"https://login.example.com/token\"  # staging\n"
    "client_id = \"demo\"\n"
    "scopes = [\n"
    "  \"read\",   # enough for the reports\n"
    "  \"write\",\n"
    "]\n"
    "# audience = \"later\"\n"
    "\n"
    "# A static key.\n"
    "[sites.api]\n"
    "provider = \"api-key\"\n"
    "api_key = { env = \"API_KEY\" }\n"
    "\n"
    "[storage]\n"
    "backend = \"file\"\n";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

// Runs `edit` and expects a refusal naming `words`, the text unchanged.
template <typename F>
void expect_refused(PolicyText& doc, F edit, const std::string& words) {
    std::string before = doc.text();
    try {
        edit();
        ADD_FAILURE() << "accepted; text now:\n" << doc.text();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::config);
        EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
    EXPECT_EQ(doc.text(), before);
}

// ---------------------------------------------------------------- add

TEST(PolicyEditAdd, AppendsATableAndKeepsEverythingElse) {
    PolicyText doc(kPolicy, "p.toml");
    doc.add_site("planet", {{"provider", "\"api-key\""}, {"api_key", "{ env = \"PL\" }"}});
    EXPECT_EQ(doc.text(),
              kPolicy + "\n[sites.planet]\nprovider = \"api-key\"\napi_key = { env = \"PL\" }\n");
    EXPECT_TRUE(doc.has_site("planet"));
}

TEST(PolicyEditAdd, StartsAnEmptyFileAndEndsAnUnterminatedLine) {
    PolicyText empty("", "p.toml");
    empty.add_site("a", {{"provider", "\"api-key\""}});
    EXPECT_EQ(empty.text(), "[sites.a]\nprovider = \"api-key\"\n");

    PolicyText open_end("[defaults]\ntimeout = 5", "p.toml");
    open_end.add_site("a", {{"provider", "\"p\""}});
    EXPECT_EQ(open_end.text(), "[defaults]\ntimeout = 5\n\n[sites.a]\nprovider = \"p\"\n");
}

TEST(PolicyEditAdd, QuotesANameWithADot) {
    PolicyText doc("", "p.toml");
    doc.add_site("anaconda.com", {{"provider", "\"api-key\""}});
    EXPECT_EQ(doc.text(), "[sites.\"anaconda.com\"]\nprovider = \"api-key\"\n");
    EXPECT_EQ(doc.site_names(), std::vector<std::string>{"anaconda.com"});
}

TEST(PolicyEditAdd, KeepsWindowsLineBreaks) {
    std::string crlf = "# team\r\n[defaults]\r\ntimeout = 5\r\n";
    PolicyText doc(crlf, "p.toml");
    doc.add_site("a", {{"provider", "\"p\""}});
    EXPECT_EQ(doc.text(), crlf + "\r\n[sites.a]\r\nprovider = \"p\"\r\n");
}

TEST(PolicyEditAdd, RefusesAnExistingNameAndAnInlineSitesTable) {
    PolicyText doc(kPolicy, "p.toml");
    expect_refused(
        doc,
        [&] {
            doc.add_site("api", {{"provider", "\"p\""}});
        },
        "already exists");

    PolicyText inline_sites("sites = { a = { provider = \"p\" } }\n", "p.toml");
    expect_refused(
        inline_sites,
        [&] {
            inline_sites.add_site("b", {{"provider", "\"p\""}});
        },
        "inline table");
}

// ---------------------------------------------------------------- modify

TEST(PolicyEditModify, RewritesOnlyTheValueAndKeepsItsComment) {
    PolicyText doc(kPolicy, "p.toml");
    doc.modify_site("service", {{"token_url", "\"https://login.example.com/v2\""}}, {});
    EXPECT_EQ(doc.text(), replaced(kPolicy, "\"https://login.example.com/token\"  # staging",
                                   "\"https://login.example.com/v2\"  # staging"));
}

TEST(PolicyEditModify, ReplacesAMultiLineArrayWhole) {
    PolicyText doc(kPolicy, "p.toml");
    doc.modify_site("service", {{"scopes", "[\"admin\"]"}}, {});
    EXPECT_EQ(doc.text(),
              replaced(kPolicy, "[\n  \"read\",   # enough for the reports\n  \"write\",\n]",
                       "[\"admin\"]"));
}

TEST(PolicyEditModify, AddsANewKeyAfterTheLastKey) {
    PolicyText doc(kPolicy, "p.toml");
    doc.modify_site("service", {{"audience", "\"api\""}}, {});
    EXPECT_EQ(doc.text(), replaced(kPolicy, "]\n# audience", "]\naudience = \"api\"\n# audience"));

    PolicyText indented("[sites.a]\n  provider = \"p\"\n\n[sites.a.extra]\nx = 1\n", "p.toml");
    indented.modify_site("a", {{"timeout", "30"}}, {});
    EXPECT_EQ(indented.text(),
              "[sites.a]\n  provider = \"p\"\n  timeout = 30\n\n[sites.a.extra]\nx = 1\n");
}

TEST(PolicyEditModify, UnsetRemovesTheKeyLinesOnly) {
    PolicyText doc(kPolicy, "p.toml");
    doc.modify_site("service", {}, {"scopes", "client_id"});
    EXPECT_EQ(doc.text(),
              replaced(kPolicy,
                       "client_id = \"demo\"\nscopes = [\n  \"read\",   # enough for the reports\n"
                       "  \"write\",\n]\n",
                       ""));
}

TEST(PolicyEditModify, UnsetOfAMissingKeyNamesTheNearest) {
    PolicyText doc(kPolicy, "p.toml");
    expect_refused(
        doc, [&] { doc.modify_site("service", {}, {"scope"}); }, "did you mean 'scopes'?");
}

TEST(PolicyEditModify, MissingSiteNamesTheNearest) {
    PolicyText doc(kPolicy, "p.toml");
    expect_refused(
        doc,
        [&] {
            doc.modify_site("servise", {{"timeout", "3"}}, {});
        },
        "no site 'servise' in p.toml; did you mean 'service'?");
}

TEST(PolicyEditModify, CountsColumnsInCodePoints) {
    std::string text = "[sites.\"café\"]\nnote = \"é ü\"   # ß\nprovider = \"p\"\n";
    PolicyText doc(text, "p.toml");
    doc.modify_site("café", {{"note", "\"plain\""}}, {});
    EXPECT_EQ(doc.text(), "[sites.\"café\"]\nnote = \"plain\"   # ß\nprovider = \"p\"\n");
}

TEST(PolicyEditDefault, SkipsAByteOrderMark) {
    const std::string bom = "\xEF\xBB\xBF";
    PolicyText doc(bom + "default_site = \"a\"\n[sites.a]\n[sites.b]\n", "p.toml");
    doc.set_default_site("b");
    EXPECT_EQ(doc.text(), bom + "default_site = \"b\"\n[sites.a]\n[sites.b]\n");
}

TEST(PolicyEditModify, RefusesKeysWrittenAsTables) {
    PolicyText dotted("[sites.a]\nprovider = \"p\"\nkey.env = \"K\"\n", "p.toml");
    expect_refused(
        dotted,
        [&] {
            dotted.modify_site("a", {{"key", "\"x\""}}, {});
        },
        "key 'key' of site 'a' is written as a table");
    PolicyText sub("[sites.a]\nprovider = \"p\"\n\n[sites.a.key]\nenv = \"K\"\n", "p.toml");
    expect_refused(
        sub, [&] { sub.modify_site("a", {}, {"key"}); },
        "key 'key' of site 'a' is written as a table");
}

// ---------------------------------------------------------------- remove

TEST(PolicyEditRemove, TakesTheSiteAndItsCommentsAndLeavesTheRest) {
    PolicyText doc(kPolicy, "p.toml");
    doc.remove_site("service");
    EXPECT_EQ(doc.text(),
              "# latchkey policy for the team\n"
              "default_site = \"service\"   # what `latchkey token` uses\n"
              "\n"
              "[defaults]\n"
              "timeout = \"5s\"\n"
              "\n"
              "# A static key.\n"
              "[sites.api]\n"
              "provider = \"api-key\"\n"
              "api_key = { env = \"API_KEY\" }\n"
              "\n"
              "[storage]\n"
              "backend = \"file\"\n");
    EXPECT_FALSE(doc.has_site("service"));
}

TEST(PolicyEditRemove, LastTableLeavesNoTrailingGap) {
    std::string text = "[defaults]\ntimeout = 5\n\n# the key\n[sites.a]\nprovider = \"p\"\n";
    PolicyText doc(text, "p.toml");
    doc.remove_site("a");
    EXPECT_EQ(doc.text(), "[defaults]\ntimeout = 5\n");
}

TEST(PolicyEditRemove, TakesItsSubTablesAndKeepsTheFileHeaderComment) {
    std::string text =
        "# the file\n[sites.a]\nprovider = \"p\"\n\n[sites.a.key]\nenv = \"K\"\n\n"
        "[sites.b]\nprovider = \"q\"\n";
    PolicyText doc(text, "p.toml");
    doc.remove_site("a");
    EXPECT_EQ(doc.text(), "# the file\n\n[sites.b]\nprovider = \"q\"\n");
}

TEST(PolicyEditRemove, RefusesLayoutsItCannotCut) {
    PolicyText inline_site("[sites]\na = { provider = \"p\" }\n", "p.toml");
    expect_refused(
        inline_site, [&] { inline_site.remove_site("a"); },
        "p.toml:2: site 'a' is written as an inline table");

    PolicyText dotted("[sites]\na.provider = \"p\"\n", "p.toml");
    expect_refused(
        dotted, [&] { dotted.remove_site("a"); }, "written with dotted keys");

    PolicyText root_dotted("sites.a.provider = \"p\"\n", "p.toml");
    expect_refused(
        root_dotted, [&] { root_dotted.remove_site("a"); }, "written with dotted keys");

    PolicyText split("[sites.a]\nprovider = \"p\"\n[other]\nx = 1\n[sites.a.key]\nenv = \"K\"\n",
                     "p.toml");
    expect_refused(
        split, [&] { split.remove_site("a"); }, "split across the file");
    expect_refused(
        split,
        [&] {
            split.modify_site("a", {{"timeout", "3"}}, {});
        },
        "split across the file");
}

// ---------------------------------------------------------------- default_site

TEST(PolicyEditDefault, RewritesTheValueInPlace) {
    PolicyText doc(kPolicy, "p.toml");
    doc.set_default_site("api");
    EXPECT_EQ(doc.text(),
              replaced(kPolicy, "default_site = \"service\"", "default_site = \"api\""));
    EXPECT_EQ(doc.default_site(), "api");
}

TEST(PolicyEditDefault, RemovesTheLine) {
    PolicyText doc(kPolicy, "p.toml");
    doc.set_default_site(std::nullopt);
    EXPECT_EQ(doc.text(),
              replaced(kPolicy, "default_site = \"service\"   # what `latchkey token` uses\n", ""));
    EXPECT_FALSE(doc.default_site());
}

TEST(PolicyEditDefault, AddsTheLineWhereATopLevelKeyMayGo) {
    // No top-level key: above the first header and the comments on it.
    PolicyText doc("# the file\n\n# the key\n[sites.a]\nprovider = \"p\"\n", "p.toml");
    doc.set_default_site("a");
    EXPECT_EQ(doc.text(),
              "# the file\n\ndefault_site = \"a\"\n\n# the key\n[sites.a]\nprovider = \"p\"\n");

    // A top-level key already there: right after it.
    PolicyText keyed("sites.a.provider = \"p\"\n\n[defaults]\ntimeout = 5\n", "p.toml");
    keyed.set_default_site("a");
    EXPECT_EQ(keyed.text(),
              "sites.a.provider = \"p\"\ndefault_site = \"a\"\n\n[defaults]\ntimeout = 5\n");
}

// ---------------------------------------------------------------- values

OptionSpec spec(const std::string& key, latchkey_option_type type, bool secret = false) {
    OptionSpec s;
    s.key = key;
    s.type = type;
    s.secret = secret;
    return s;
}

TEST(PolicyEditValues, TypedFromTheSchema) {
    EXPECT_EQ(toml_value_for(spec("s", LATCHKEY_OPT_STRING), "a \"q\" \\ é\n"),
              "\"a \\\"q\\\" \\\\ é\\n\"");
    EXPECT_EQ(toml_value_for(spec("n", LATCHKEY_OPT_INT), " 42 "), "42");
    EXPECT_EQ(toml_value_for(spec("n", LATCHKEY_OPT_INT), "-7"), "-7");
    EXPECT_EQ(toml_value_for(spec("b", LATCHKEY_OPT_BOOL), "yes"), "true");
    EXPECT_EQ(toml_value_for(spec("b", LATCHKEY_OPT_BOOL), "False"), "false");
    EXPECT_EQ(toml_value_for(spec("d", LATCHKEY_OPT_DURATION), "90"), "90");
    EXPECT_EQ(toml_value_for(spec("d", LATCHKEY_OPT_DURATION), "5m"), "\"5m\"");
    EXPECT_EQ(toml_value_for(spec("l", LATCHKEY_OPT_LIST), "read, write"), "[\"read\", \"write\"]");
    EXPECT_EQ(toml_value_for(spec("l", LATCHKEY_OPT_LIST), "[\"a,b\", 'c d']"),
              "[\"a,b\", \"c d\"]");
    EXPECT_EQ(toml_value_for(spec("l", LATCHKEY_OPT_LIST), ""), "[]");
    // A string with braces but no '=' is a string (api-key's header template).
    EXPECT_EQ(toml_value_for(spec("h", LATCHKEY_OPT_STRING), "{token}"), "\"{token}\"");
}

TEST(PolicyEditValues, Indirections) {
    auto secret = spec("client_secret", LATCHKEY_OPT_STRING, true);
    EXPECT_EQ(toml_value_for(secret, "{env=PL_SECRET}"), "{ env = \"PL_SECRET\" }");
    EXPECT_EQ(toml_value_for(secret, "{ secret = \"planet\" }"), "{ secret = \"planet\" }");
    EXPECT_EQ(toml_value_for(secret, "{file='~/a b.txt'}"), "{ file = \"~/a b.txt\" }");
    EXPECT_EQ(toml_value_for(spec("n", LATCHKEY_OPT_INT), "{env=N}"), "{ env = \"N\" }");

    auto usage = [&](const std::string& text, const std::string& words) {
        try {
            toml_value_for(secret, text);
            ADD_FAILURE() << text << " accepted";
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::usage) << text;
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
    };
    usage("{evn=X}", "did you mean 'env'?");
    usage("{secret=../etc/passwd}", "plain file name");
    usage("{env=}", "is empty");
    usage("{env=\"unterminated}", "client_secret");
}

TEST(PolicyEditValues, BadValuesNameTheKeyAndNeverASecret) {
    try {
        toml_value_for(spec("retries", LATCHKEY_OPT_INT), "many");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "retries: expected an integer, got \"many\"");
    }
    try {
        toml_value_for(spec("pin", LATCHKEY_OPT_INT, true), "hunter2");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "pin: expected an integer");
    }
    EXPECT_THROW(toml_value_for(spec("d", LATCHKEY_OPT_DURATION), "soon"), Error);
    EXPECT_THROW(toml_value_for(spec("b", LATCHKEY_OPT_BOOL), "maybe"), Error);
    EXPECT_THROW(toml_value_for(spec("l", LATCHKEY_OPT_LIST), "[1, 2]"), Error);
}

TEST(PolicyEditParse, MalformedFileNamesLineAndColumn) {
    try {
        PolicyText doc("[sites.a]\nprovider = \n", "p.toml");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("p.toml:2:", 0), 0u) << e.what();
    }
}

}  // namespace
