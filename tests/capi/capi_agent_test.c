/* The C API with a running `latchkey agent` (docs/agent.md), from a program
 * compiled as C: a handle gets its tokens from the agent (the site's secret
 * is only in the agent's environment), min_valid and invalidate go to it,
 * its errors come back as the library's own; working alone gives the same
 * results, and so does a handle whose agent serves another policy or was
 * killed.
 *
 *   capi_agent_test DEVSERVER LATCHKEY   (latchkey-devserver, the program)
 *
 * Prints one line per failed check and exits 1 if any failed. */
#define _GNU_SOURCE
#include <latchkey/latchkey.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capi_support.h"

extern char **environ;

#define SECRET_VAR "CAPI_AGENT_SECRET"
#define SECRET SECRET_VAR "=s3cret-demo"

static char policy_path[256];
static char socket_path[256];
static char audit_path[256];
static pid_t agent_pid;

/* `latchkey --config POLICY agent`, on its default socket (under this
 * test's XDG_RUNTIME_DIR), with the site's secret in its environment only. */
static void start_agent(const char *cli) {
    size_t n = 0;
    while (environ[n]) n++;
    char **env = calloc(n + 2, sizeof *env);
    memcpy(env, environ, n * sizeof *env);
    env[n] = SECRET;
    char *argv[] = {(char *)cli,    "--config", policy_path, "agent",
                    "--audit-file", audit_path, NULL};
    agent_pid = start_listening(argv, env, socket_path, sizeof socket_path);
    free(env);
}

static latchkey_error_kind get(latchkey_handle *h, const char *site, int64_t min_valid_ms,
                               latchkey_token *t, latchkey_error *e) {
    latchkey_token_release(t);
    return latchkey_get_token(h, site, min_valid_ms, t, e);
}

static const char *msg(const latchkey_error *e) { return e->message ? e->message : "(no message)"; }

static const char *extra(const latchkey_token *t, const char *key) {
    for (size_t i = 0; i < t->extra_count; i++)
        if (strcmp(t->extra_keys[i], key) == 0) return t->extra_values[i];
    return "(none)";
}

static int whoami(const latchkey_token *t) {
    struct body b;
    return (int)http("/api/whoami", t->header, NULL, &b);
}

/* ------------------------------------------------------------ the checks */

/* The agent serves, min_valid reaches it, invalidate goes to it; `t` is
 * left holding the token it served last. */
static void served_by_the_agent(latchkey_token *t) {
    CHECK(getenv(SECRET_VAR) == NULL, "the secret is in the test's environment");
    latchkey_handle *h = open_policy(policy_path);
    if (!h) return;
    latchkey_error e = LATCHKEY_ERROR_INIT;
    struct timespec fetched;
    clock_gettime(CLOCK_MONOTONIC, &fetched);
    latchkey_error_kind k = get(h, "svc", 0, t, &e);
    CHECK(k == LATCHKEY_ERROR_NONE, "get_token through the agent: %s", msg(&e));
    if (k != LATCHKEY_ERROR_NONE) return;
    CHECK(t->agent_socket && strcmp(t->agent_socket, socket_path) == 0, "agent_socket %s",
          t->agent_socket ? t->agent_socket : "(null)");
    CHECK(whoami(t) == 200, "the server refuses the agent's token");
    CHECK(strcmp(extra(t, "instance_url"), "https://org.example.test") == 0, "instance_url %s",
          extra(t, "instance_url"));
    CHECK(t->expires_at_ms - t->obtained_at_ms > 3500 * 1000, "lifetime %lld ms",
          (long long)(t->expires_at_ms - t->obtained_at_ms));
    CHECK(token_requests() == 1, "token requests %d", token_requests());
    CHECK(strstr(read_file(audit_path), "site=svc decision=served") != NULL, "audit: %s",
          read_file(audit_path));

    /* Cached here: no request to the agent or the server. */
    char first[512];
    snprintf(first, sizeof first, "%s", t->token);
    k = get(h, NULL, 60 * 1000, t, &e);
    CHECK(k == LATCHKEY_ERROR_NONE && strcmp(t->token, first) == 0, "cached token differs");

    /* All but the last 500 ms of the token's hour, once 700 ms have passed:
     * the agent fetches a new one for this call. */
    struct timespec wait = {0, 700 * 1000 * 1000};
    nanosleep(&wait, NULL);
    k = get(h, "svc", 3599500, t, &e);
    CHECK(k == LATCHKEY_ERROR_NONE && strcmp(t->token, first) != 0,
          "min_valid did not reach the agent: %s", e.message ? msg(&e) : "same token");
    CHECK(t->agent_socket != NULL, "min_valid: not served by the agent");
    CHECK(token_requests() == 2, "token requests %d", token_requests());

    /* Refused: the agent forgets it and fetches the next one. */
    snprintf(first, sizeof first, "%s", t->token);
    k = latchkey_invalidate(h, "svc", first, &e);
    CHECK(k == LATCHKEY_ERROR_NONE, "invalidate: %s", msg(&e));
    CHECK(strstr(read_file(audit_path), "site=svc decision=invalidated") != NULL, "audit: %s",
          read_file(audit_path));
    k = get(h, "svc", 0, t, &e);
    CHECK(k == LATCHKEY_ERROR_NONE && strcmp(t->token, first) != 0 && t->agent_socket,
          "after invalidate: %s", e.message ? msg(&e) : "the refused token, or not the agent's");
    CHECK(whoami(t) == 200, "the server refuses the agent's new token");
    CHECK(token_requests() == 3, "token requests %d", token_requests());
    latchkey_error_clear(&e);
    latchkey_close(h);
}

/* The same policy worked alone (the secret now in this environment):
 * the same kind of credential; and `work_alone` never asks the agent. */
static void alone_the_same(const latchkey_token *served) {
    setenv("LATCHKEY_AGENT", "off", 1);
    latchkey_handle *h = open_policy(policy_path);
    unsetenv("LATCHKEY_AGENT");
    if (!h) return;
    /* Read when the site is resolved, at its first use. */
    setenv(SECRET_VAR, "s3cret-demo", 1);
    latchkey_token t = LATCHKEY_TOKEN_INIT;
    latchkey_error e = LATCHKEY_ERROR_INIT;
    CHECK(get(h, "svc", 0, &t, &e) == LATCHKEY_ERROR_NONE, "alone: %s", msg(&e));
    if (t.token) {
        CHECK(t.agent_socket == NULL, "LATCHKEY_AGENT=off, yet served by %s", t.agent_socket);
        CHECK(strcmp(t.header_name, served->header_name) == 0 &&
                  strcmp(t.token_type, served->token_type) == 0 &&
                  strncmp(t.header, served->header, strlen("Authorization: Bearer ")) == 0,
              "alone %s, served %s", t.header_name, served->header_name);
        CHECK(strcmp(extra(&t, "instance_url"), extra(served, "instance_url")) == 0,
              "instance_url %s", extra(&t, "instance_url"));
        long long alone_life = t.expires_at_ms - t.obtained_at_ms,
                  served_life = served->expires_at_ms - served->obtained_at_ms;
        CHECK(alone_life / 1000 == served_life / 1000, "lifetimes %lld, %lld ms", alone_life,
              served_life);
        CHECK(whoami(&t) == 200, "the server refuses the token got alone");
    }
    latchkey_token_release(&t);
    latchkey_close(h);
    unsetenv(SECRET_VAR);

    /* work_alone: this handle has no secret, and the agent is not asked. */
    latchkey_open_options o = LATCHKEY_OPEN_OPTIONS_INIT;
    o.config_path = policy_path;
    o.work_alone = 1;
    CHECK(latchkey_open(&o, &h, &e) == LATCHKEY_ERROR_NONE, "open: %s", msg(&e));
    CHECK(get(h, "svc", 0, &t, &e) == LATCHKEY_ERROR_CONFIG && strstr(msg(&e), SECRET_VAR),
          "work_alone: %s", e.message ? msg(&e) : "asked the agent");
    latchkey_close(h);
    latchkey_error_clear(&e);
}

/* An error for the site, through the agent and alone: the same kind,
 * message and command (a device-code site nobody logged in to). */
static void errors_keep_their_kind(void) {
    latchkey_handle *h = open_policy(policy_path);
    setenv("LATCHKEY_AGENT", "off", 1);
    latchkey_handle *alone = open_policy(policy_path);
    unsetenv("LATCHKEY_AGENT");
    if (!h || !alone) return;
    latchkey_token t = LATCHKEY_TOKEN_INIT;
    latchkey_error via = LATCHKEY_ERROR_INIT, own = LATCHKEY_ERROR_INIT;
    CHECK(get(h, "dev", 0, &t, &via) == LATCHKEY_ERROR_LOGIN_REQUIRED, "through the agent: %s",
          msg(&via));
    CHECK(strstr(read_file(audit_path), "site=dev decision=failed") != NULL,
          "the agent did not answer for dev: %s", read_file(audit_path));
    CHECK(get(alone, "dev", 0, &t, &own) == LATCHKEY_ERROR_LOGIN_REQUIRED, "alone: %s", msg(&own));
    CHECK(via.message && own.message && strcmp(via.message, own.message) == 0,
          "messages differ:\n  agent: %s\n  alone: %s", msg(&via), msg(&own));
    char expected[512];
    snprintf(expected, sizeof expected, "latchkey --config %s login --at dev", policy_path);
    CHECK(via.command && strcmp(via.command, expected) == 0, "command %s",
          via.command ? via.command : "(null)");
    latchkey_error_clear(&via);
    latchkey_error_clear(&own);
    latchkey_close(h);
    latchkey_close(alone);
}

/* A policy the agent does not serve: the handle works alone (and without
 * the secret it fails as alone, naming the variable). */
static void another_policy_works_alone(const char *policy_text) {
    const char *other = write_file("other.toml", policy_text);
    latchkey_handle *h = open_policy(other);
    if (!h) return;
    latchkey_token t = LATCHKEY_TOKEN_INIT;
    latchkey_error e = LATCHKEY_ERROR_INIT;
    CHECK(get(h, "svc", 0, &t, &e) == LATCHKEY_ERROR_CONFIG && strstr(msg(&e), SECRET_VAR),
          "another policy: %s", e.message ? msg(&e) : "served by the agent");
    CHECK(strstr(read_file(audit_path), "decision=invalid") != NULL, "no policy_mismatch: %s",
          read_file(audit_path));
    /* Given the secret, the same handle gets the credential alone. */
    setenv(SECRET_VAR, "s3cret-demo", 1);
    int before = token_requests();
    CHECK(get(h, "svc", 0, &t, &e) == LATCHKEY_ERROR_NONE && !t.agent_socket,
          "another policy, alone: %s", e.message ? msg(&e) : "served by the agent");
    CHECK(token_requests() == before + 1, "token requests %d", token_requests() - before);
    unsetenv(SECRET_VAR);
    latchkey_token_release(&t);
    latchkey_error_clear(&e);
    latchkey_close(h);
}

/* The agent is killed: the next call works alone, at once. */
static void killed_agent(void) {
    setenv(SECRET_VAR, "s3cret-demo", 1); /* to work alone once the agent is gone */
    latchkey_handle *h = open_policy(policy_path);
    if (!h) return;
    latchkey_token t = LATCHKEY_TOKEN_INIT;
    latchkey_error e = LATCHKEY_ERROR_INIT;
    CHECK(get(h, "svc", 0, &t, &e) == LATCHKEY_ERROR_NONE && t.agent_socket, "before the kill: %s",
          e.message ? msg(&e) : "not served by the agent");
    char served[512];
    snprintf(served, sizeof served, "%s", t.token ? t.token : "");
    kill(agent_pid, SIGKILL);
    waitpid(agent_pid, NULL, 0);
    int before = token_requests();
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    CHECK(latchkey_invalidate(h, "svc", served, &e) == LATCHKEY_ERROR_NONE, "invalidate: %s",
          msg(&e));
    CHECK(get(h, "svc", 0, &t, &e) == LATCHKEY_ERROR_NONE, "after the kill: %s", msg(&e));
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (t.token) {
        CHECK(t.agent_socket == NULL, "served by a killed agent");
        CHECK(strcmp(t.token, served) != 0 && whoami(&t) == 200, "the token got alone");
    }
    CHECK(token_requests() == before + 1, "token requests %d", token_requests() - before);
    CHECK(end.tv_sec - start.tv_sec < 5, "falling back took %ld s",
          (long)(end.tv_sec - start.tv_sec));
    latchkey_token_release(&t);
    latchkey_error_clear(&e);
    latchkey_close(h);
    unsetenv(SECRET_VAR);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: capi_agent_test DEVSERVER LATCHKEY\n");
        return 2;
    }
    if (!make_sandbox()) return 1;
    unsetenv(SECRET_VAR);
    start_server(argv[1]);
    const char *policy =
        write_test_policy("{ env = \"" SECRET_VAR "\" }", policy_path, sizeof policy_path);
    snprintf(audit_path, sizeof audit_path, "%s/audit.log", dir);
    start_agent(argv[2]);

    latchkey_token served = LATCHKEY_TOKEN_INIT;
    served_by_the_agent(&served);
    if (served.token) alone_the_same(&served);
    latchkey_token_release(&served);
    errors_keep_their_kind();
    another_policy_works_alone(policy);
    killed_agent();

    stop_server();
    return finish();
}
