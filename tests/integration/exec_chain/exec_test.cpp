// The exec provider through the real CLI: real programs (shell scripts the
// test writes) that print each accepted credential form, fail, hang, print
// garbage or too much, are missing or not executable; what they are given
// (environment, KUBERNETES_EXEC_INFO, a closed standard input).
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "exec_chain_test.hpp"

namespace latchkey::itest {
namespace {

using Clock = std::chrono::steady_clock;

int64_t seconds_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count();
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class Exec : public ExecChainTest {};

TEST_F(Exec, KubernetesExecCredentialWithOffsetAndFraction) {
    const std::string token = "k8s-Integ-tok-51c9e2";
    token_like(token);
    // 2031-02-03T04:05:06.789+02:00 is 02:05:06.789 UTC.
    std::string p = program(
        "k8s",
        "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"$HOME/exec-info.json\"\n"
        "cat <<'JSON'\n"
        "{\"apiVersion\": \"client.authentication.k8s.io/v1\", \"kind\": \"ExecCredential\",\n"
        " \"status\": {\"token\": \"" +
            token +
            "\",\n"
            "            \"expirationTimestamp\": \"2031-02-03T04:05:06.789+02:00\"}}\n"
            "JSON\n");
    write_policy(exec_site("kube", p));

    EXPECT_EQ(header_line(), "Authorization: Bearer " + token + "\n");

    auto st = status_json("kube");
    ASSERT_TRUE(st.HasMember("expires_at_ms"));
    EXPECT_EQ(st["expires_at_ms"].GetInt64(), int64_t{1927850706} * 1000 + 789);

    // The program was told, as kubectl tells it, that nobody can answer it.
    auto info = parse_json(test::read_file(sandbox_.file("exec-info.json")));
    ASSERT_TRUE(info.IsObject());
    EXPECT_EQ(json_string(info, "apiVersion"), "client.authentication.k8s.io/v1");
    EXPECT_EQ(json_string(info, "kind"), "ExecCredential");
    ASSERT_TRUE(info.HasMember("spec") && info["spec"].HasMember("interactive"));
    EXPECT_FALSE(info["spec"]["interactive"].GetBool());
}

TEST_F(Exec, AwsCredentialProcessBecomesACachingCredentialProcess) {
    const std::string key_id = "AKIAINTEGEXAMPLE77";
    const std::string secret = "aws-Secret-Integ-9f8e7d";
    const std::string session = "aws-Session-Integ-6c5b4a";
    token_like(secret);
    token_like(session);
    std::string p =
        program("aws", "echo '{\"Version\": 1, \"AccessKeyId\": \"" + key_id +
                           "\", \"SecretAccessKey\": \"" + secret + "\", \"SessionToken\": \"" +
                           session + "\", \"Expiration\": \"2031-01-01T00:00:00Z\"}'\n");
    write_policy(exec_site("aws", p));

    // The token is the credential_process answer itself.
    auto t = lk({"token"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    auto answer = parse_json(t.out);
    ASSERT_TRUE(answer.IsObject());
    EXPECT_EQ(answer["Version"].GetInt(), 1);
    EXPECT_EQ(json_string(answer, "AccessKeyId"), key_id);
    EXPECT_EQ(json_string(answer, "SecretAccessKey"), secret);
    EXPECT_EQ(json_string(answer, "SessionToken"), session);
    EXPECT_EQ(json_string(answer, "Expiration"), "2031-01-01T00:00:00Z");

    // status shows the key id (an identifier), never the secret parts.
    auto st = lk({"status"});
    ASSERT_EQ(st.exit_code, 0) << st.err;
    EXPECT_TRUE(has(st.out, "aws_access_key_id: " + key_id)) << st.out;
    EXPECT_TRUE(has(st.out, "2031-01-01")) << st.out;

    // aws_token picks one part; it is part of the identity, so the stored
    // JSON credential is not served for it.
    auto s = lk({"--set", "aws_token=session_token", "token"});
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_EQ(s.out, session + "\n");
    auto k = lk({"--set", "aws_token=secret_access_key", "token"});
    ASSERT_EQ(k.exit_code, 0) << k.err;
    EXPECT_EQ(k.out, secret + "\n");

    auto bad = lk({"--set", "aws_token=access_key", "token"});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_TRUE(has(bad.err, "aws_token")) << bad.err;
    EXPECT_TRUE(has(bad.err, "credential_process, session_token or secret_access_key")) << bad.err;
}

TEST_F(Exec, LatchkeyFormWithEpochSecondsAndCustomHeader) {
    const std::string token = "lk-Integ-tok-0d1e2f";
    token_like(token);
    const int64_t exp = now_s() + 7200;
    std::string p = program("lk", "echo '{\"token\": \"" + token +
                                      "\", \"expires_at\": " + std::to_string(exp) +
                                      ", \"token_type\": \"Token\", \"header_name\": \"X-Auth\", "
                                      "\"extras\": {\"tenant\": \"blue\"}}'\n");
    write_policy(exec_site("custom", p));
    EXPECT_EQ(header_line(), "X-Auth: Token " + token + "\n");
    auto st = status_json("custom");
    EXPECT_EQ(st["expires_at_ms"].GetInt64(), exp * 1000);
    EXPECT_EQ(extra(st, "tenant"), "blue");

    // RFC 3339 text works as well, and a bare token_type "" sends the token alone.
    std::string q = program("lk2", "echo '{\"token\": \"" + token + "\", \"expires_at\": \"" +
                                       rfc3339(exp) + "\", \"token_type\": \"\"}'\n");
    write_policy(exec_site("custom", q));
    EXPECT_EQ(header_line(), "Authorization: " + token + "\n");
    EXPECT_EQ(status_json("custom")["expires_at_ms"].GetInt64(), exp * 1000);
}

TEST_F(Exec, FailureShowsStderrWithSecretsRedacted) {
    const std::string password = "pw-Integ-Secret-3a7f";
    const std::string printed = "printed-Integ-tok-8b2c";
    never_print(password);
    never_print(printed);
    std::string p = program(
        "fails", "echo '{\"token\": \"" + printed +
                     "\"}'\n"
                     "echo \"login for alice failed: password $LOGIN_PASSWORD refused\" >&2\n"
                     "echo \"(half-issued token " +
                     printed +
                     ")\" >&2\n"
                     "exit 4\n");
    write_policy(exec_site("fails", p, "secret_env = [\"LOGIN_PASSWORD=" + password + "\"]\n"));
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(has(r.err, "program " + p + " exited with status 4")) << r.err;
    EXPECT_TRUE(has(r.err, "login for alice failed: password **** refused")) << r.err;
    EXPECT_TRUE(has(r.err, "(half-issued token ****)")) << r.err;

    // A program that fails without a word still says how it ended.
    std::string q = program("silent", "exit 2\n");
    write_policy(exec_site("silent", q));
    auto s = lk({"token"});
    EXPECT_EQ(s.exit_code, 1);
    EXPECT_TRUE(has(s.err, "exited with status 2 and wrote nothing on standard error")) << s.err;
}

TEST_F(Exec, LongStderrIsBoundedAndCutBetweenWords) {
    const std::string secret = "pw-Integ-Long-77aa01";
    never_print(secret);
    // ~6 KB of noise with the secret in the middle, then the real reason.
    std::string p =
        program("noisy",
                "i=0; while [ $i -lt 300 ]; do echo \"noise line $i $NOISE_SECRET\" >&2; "
                "i=$((i+1)); done\necho 'final reason: quota exceeded' >&2\nexit 1\n");
    write_policy(exec_site("noisy", p, "secret_env = [\"NOISE_SECRET=" + secret + "\"]\n"));
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(has(r.err, "final reason: quota exceeded")) << r.err;
    EXPECT_TRUE(has(r.err, "... ")) << r.err;
    EXPECT_LT(r.err.size(), 1500u) << r.err;
}

TEST_F(Exec, HangingProgramIsStoppedAtTheTimeout) {
    // It ignores SIGTERM (and so does its child, which inherits that), so
    // only SIGKILL to the whole process group ends both.
    std::string pidfile = sandbox_.file("child.pid");
    std::string p = program("hangs", "trap '' TERM\nsleep 60 &\necho $! > " + pidfile +
                                         "\necho 'waiting for the network' >&2\nwait\n");
    write_policy(exec_site("hangs", p, "timeout = \"1s\"\n"));
    auto start = Clock::now();
    auto r = lk({"token"}, {}, 20'000);
    EXPECT_LE(seconds_since(start), 6);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(has(r.err, "program " + p + " timed out after 1s")) << r.err;
    EXPECT_TRUE(has(r.err, "stopped with SIGKILL (it ignored SIGTERM)")) << r.err;
    EXPECT_TRUE(has(r.err, "waiting for the network")) << r.err;

    std::string pid_text = test::read_file(pidfile);
    ASSERT_FALSE(pid_text.empty());
    pid_t child = static_cast<pid_t>(std::stol(pid_text));
    // The background sleep died with the group (it is a zombie of init at
    // most for a moment).
    bool gone = false;
    for (int i = 0; i < 50 && !gone; ++i) {
        std::string stat = test::read_file("/proc/" + std::to_string(child) + "/stat");
        gone = stat.empty() || has(stat, ") Z");
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(gone) << "the program's child " << child << " still runs";
    if (!gone) kill(child, SIGKILL);

    // One that obeys SIGTERM is not killed harder.
    std::string q = program("sleeps", "exec sleep 60\n");
    write_policy(exec_site("sleeps", q, "timeout = \"1s\"\n"));
    auto s = lk({"token"}, {}, 20'000);
    EXPECT_EQ(s.exit_code, 1);
    EXPECT_TRUE(has(s.err, "timed out after 1s and was stopped with SIGTERM;")) << s.err;
}

TEST_F(Exec, GarbageOutputNamesTheProgramAndTheExpectedForms) {
    const std::string raw = "raw-Integ-tok-4e4e4e";
    never_print(raw);
    std::string p = program("garbage", "echo 'token is " + raw + "'\n");
    write_policy(exec_site("garbage", p));
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(has(r.err, "program " + p + " succeeded but its standard output is not JSON"))
        << r.err;
    EXPECT_TRUE(has(r.err, "expected a Kubernetes ExecCredential")) << r.err;
    EXPECT_TRUE(has(r.err, "AWS credential_process")) << r.err;

    std::string q = program("other-json", "echo '{\"access\": \"" + raw + "\"}'\n");
    write_policy(exec_site("other", q));
    auto o = lk({"token"});
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_TRUE(has(o.err, "none of the accepted forms")) << o.err;

    std::string e = program("empty", "exit 0\n");
    write_policy(exec_site("empty", e));
    auto n = lk({"token"});
    EXPECT_EQ(n.exit_code, 1);
    EXPECT_TRUE(has(n.err, "printed nothing on standard output")) << n.err;

    std::string k = program("k8s-cert",
                            "echo '{\"apiVersion\": \"client.authentication.k8s.io/v1\", "
                            "\"kind\": \"ExecCredential\", \"status\": "
                            "{\"clientCertificateData\": \"x\", \"clientKeyData\": \"" +
                                raw + "\"}}'\n");
    write_policy(exec_site("cert", k));
    auto c = lk({"token"});
    EXPECT_EQ(c.exit_code, 1);
    EXPECT_TRUE(has(c.err, "latchkey presents tokens only")) << c.err;

    std::string b = program(
        "bad-time", "echo '{\"token\": \"" + raw + "\", \"expires_at\": \"tomorrow at noon\"}'\n");
    write_policy(exec_site("time", b));
    auto t = lk({"token"});
    EXPECT_EQ(t.exit_code, 1);
    EXPECT_TRUE(has(t.err, "expires_at \"tomorrow at noon\" is not an RFC 3339 timestamp"))
        << t.err;
}

TEST_F(Exec, AnAlreadyExpiredCredentialIsRefused) {
    std::string p = program("stale", "echo '{\"token\": \"stale-Integ-1\", \"expires_at\": \"" +
                                         rfc3339(now_s() - 60) + "\"}'\n");
    never_print("stale-Integ-1");
    write_policy(exec_site("stale", p));
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(has(r.err, "that expired at")) << r.err;
}

TEST_F(Exec, TooMuchOutputIsRefused) {
    // `yes` never stops by itself: the provider must stop reading and end it.
    std::string p = program("floods", "exec yes '{\"token\": \"flood\"}'\n");
    write_policy(exec_site("floods", p, "timeout = \"30s\"\n"));
    auto start = Clock::now();
    auto r = lk({"token"});
    EXPECT_LE(seconds_since(start), 10);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(has(r.err, "program " + p + " printed more than 1 MiB on standard output; refused"))
        << r.err;
}

TEST_F(Exec, MissingProgramNamesThePath) {
    std::string missing = sandbox_.file("bin/not-there");
    write_policy(exec_site("missing", missing));
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(has(r.err, "cannot run " + missing + ": No such file or directory")) << r.err;

    write_policy(
        "[sites.missing]\nprovider = \"exec\"\ncommand = [\"latchkey-integ-no-such-tool\"]\n");
    auto n = lk({"token"});
    EXPECT_EQ(n.exit_code, 1);
    EXPECT_TRUE(has(n.err, "cannot run latchkey-integ-no-such-tool: not found on PATH")) << n.err;
}

TEST_F(Exec, ProgramFoundOnPathGetsItsArguments) {
    program("integ-get-token", "printf '{\"token\": \"%s-%s\"}' \"$1\" \"$2\"\n");
    write_policy(
        "[sites.onpath]\nprovider = \"exec\"\ncommand = [\"integ-get-token\", \"alpha\", \"b c\"]\n"
        "env = [\"PATH=" +
        sandbox_.file("bin") + ":/usr/bin:/bin\"]\n");
    auto r = lk({"token"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "alpha-b c\n");
}

TEST_F(Exec, NonExecutableProgramNamesThePathAndMode) {
    std::string p = program("plain", "echo '{\"token\": \"x\"}'\n", 0644);
    write_policy(exec_site("plain", p));
    auto r = lk({"token"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(has(r.err, "cannot run " + p + ": it is not executable (mode 0644)")) << r.err;
}

TEST_F(Exec, EnvironmentIsMinimalPlusConfigured) {
    std::string dump = sandbox_.file("env.txt");
    std::string p = program("env", "env > " + dump + "\necho '{\"token\": \"env-ok\"}'\n");
    write_policy(exec_site("env", p,
                           "env = [\"GREETING=hello world\", \"TZ=UTC\"]\n"
                           "pass_env = [\"INTEG_PASSED\", \"INTEG_UNSET_VAR\"]\n"));
    auto r = lk({"token"}, {{"INTEG_PASSED", "yes-passed"}, {"INTEG_NOT_PASSED", "leaked"}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string env = test::read_file(dump);
    EXPECT_TRUE(has(env, "\nGREETING=hello world\n") || env.rfind("GREETING=hello world\n", 0) == 0)
        << env;
    EXPECT_TRUE(has(env, "INTEG_PASSED=yes-passed")) << env;
    EXPECT_TRUE(has(env, "HOME=" + sandbox_.path())) << env;
    EXPECT_TRUE(has(env, "TZ=UTC")) << env;
    EXPECT_TRUE(has(env, "KUBERNETES_EXEC_INFO={\"apiVersion\"")) << env;
    EXPECT_FALSE(has(env, "INTEG_NOT_PASSED")) << env;
    EXPECT_FALSE(has(env, "INTEG_UNSET_VAR")) << env;
    EXPECT_FALSE(has(env, "XDG_STATE_HOME")) << env;

    write_policy(exec_site("env", p, "env = [\"no equals sign\"]\n"));
    auto bad = lk({"token"});
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_TRUE(has(bad.err, "env: \"no equals sign\" is not NAME=value")) << bad.err;
}

TEST_F(Exec, StandardInputIsClosed) {
    std::string seen = sandbox_.file("stdin.txt");
    std::string p = program("stdin", "readlink /proc/self/fd/0 > " + seen +
                                         "\nif read line; then echo \"read: $line\" >> " + seen +
                                         "; fi\necho '{\"token\": \"stdin-ok\"}'\n");
    write_policy(exec_site("stdin", p));
    RunOptions o = options();
    o.stdin_data = "typed-by-nobody\n";
    auto r = test::latchkey({"--config", policy(), "token"}, o);
    record({"token"}, r);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(test::read_file(seen), "/dev/null\n");
}

TEST_F(Exec, InteractiveProgramGetsTheTerminalOnlyDuringLogin) {
    std::string info = sandbox_.file("exec-info.json");
    std::string p = program("asks", "printf '%s' \"$KUBERNETES_EXEC_INFO\" > " + info +
                                        "\n"
                                        "printf 'One-time code? ' >&2\n"
                                        "read code || { echo 'nobody answered' >&2; exit 1; }\n"
                                        "printf '{\"token\": \"otp-%s\"}' \"$code\"\n");
    write_policy(exec_site("otp", p, "interactive = true\n"));
    token_like("otp-424242");

    // Outside login the program runs without the terminal, fails, and the
    // person is told to log in.
    auto t = lk({"token"});
    EXPECT_EQ(t.exit_code, 3) << t.err;
    EXPECT_TRUE(has(t.err, "nobody answered")) << t.err;
    EXPECT_TRUE(has(t.err, "latchkey login --at otp")) << t.err;

    RunOptions o = options();
    o.stdin_data = "424242\n";
    auto login = test::latchkey({"--config", policy(), "login"}, o);
    record({"login"}, login);
    ASSERT_EQ(login.exit_code, 0) << login.err;
    EXPECT_TRUE(has(login.err, "One-time code? ")) << login.err;
    auto parsed = parse_json(test::read_file(info));
    ASSERT_TRUE(parsed.IsObject() && parsed.HasMember("spec"));
    EXPECT_TRUE(parsed["spec"]["interactive"].GetBool());

    auto after = lk({"token"});
    ASSERT_EQ(after.exit_code, 0) << after.err;
    EXPECT_EQ(after.out, "otp-424242\n");
}

TEST_F(Exec, OptionsAreListed) {
    auto r = run_cli({"providers", "show", "exec"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* key :
         {"command", "env", "secret_env", "pass_env", "interactive", "login_timeout", "aws_token"})
        EXPECT_TRUE(has(r.out, key)) << key << " missing from:\n" << r.out;
}

}  // namespace
}  // namespace latchkey::itest
