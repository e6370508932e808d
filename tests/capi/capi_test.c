/* The C API (latchkey/latchkey.h) from a program compiled as C, against the
 * development authorization server on 127.0.0.1: open, tokens that the
 * server accepts, invalidate with the refused token, threads sharing one
 * handle, a login-required site, a broken policy, wrong calls, fork().
 *
 *   capi_test DEVSERVER   (the latchkey-devserver program)
 *
 * Prints one line per failed check and exits 1 if any failed. */
#define _GNU_SOURCE
#include <latchkey/latchkey.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capi_support.h"

static char policy_path[256];

/* ------------------------------------------------------------ the checks */

static void tokens_the_server_accepts(latchkey_handle *h) {
    latchkey_token t = LATCHKEY_TOKEN_INIT;
    latchkey_error e = LATCHKEY_ERROR_INIT;
    latchkey_error_kind k = latchkey_get_token(h, "svc", 0, &t, &e);
    CHECK(k == LATCHKEY_ERROR_NONE, "get_token: %s", e.message ? e.message : "");
    if (k != LATCHKEY_ERROR_NONE) return;
    CHECK(strcmp(t.header_name, "Authorization") == 0, "header_name %s", t.header_name);
    CHECK(strcmp(t.token_type, "Bearer") == 0, "token_type %s", t.token_type);
    CHECK(
        strncmp(t.header, "Authorization: Bearer ", 22) == 0 && strcmp(t.header + 22, t.token) == 0,
        "header line %.30s", t.header);
    CHECK(t.expires_at_ms > (int64_t)time(NULL) * 1000 + 3500 * 1000, "expires_at %lld",
          (long long)t.expires_at_ms);
    int found = 0;
    for (size_t i = 0; i < t.extra_count; i++)
        if (strcmp(t.extra_keys[i], "instance_url") == 0)
            found = strcmp(t.extra_values[i], "https://org.example.test") == 0;
    CHECK(found, "instance_url in %zu extras", t.extra_count);

    struct body b;
    CHECK(http("/api/whoami", t.header, NULL, &b) == 200, "whoami with the token: %s", b.text);
    CHECK(strstr(b.text, "\"client_id\":\"demo\"") != NULL, "whoami: %s", b.text);
    CHECK(token_requests() == 1, "token requests %d", token_requests());

    /* From the cache: the same token, no request. */
    latchkey_token again = LATCHKEY_TOKEN_INIT;
    k = latchkey_get_token(h, NULL, 30 * 1000, &again, &e); /* NULL: the selected site (svc) */
    CHECK(k == LATCHKEY_ERROR_NONE && strcmp(again.token, t.token) == 0, "cached token differs");
    CHECK(token_requests() == 1, "token requests %d", token_requests());
    latchkey_token_release(&again);
    latchkey_token_release(&again); /* twice is harmless */
    CHECK(again.token == NULL, "released token keeps its pointers");

    /* Revoked behind latchkey's back: 401; invalidating another token
     * changes nothing, invalidating the refused one fetches anew once. */
    CHECK(http("/admin/tokens/revoke", NULL, "{}", &b) == 200, "revoke: %s", b.text);
    CHECK(http("/api/whoami", t.header, NULL, &b) == 401, "whoami after revoke: %s", b.text);
    k = latchkey_invalidate(h, "svc", "not-the-cached-token", &e);
    CHECK(k == LATCHKEY_ERROR_NONE, "invalidate other: %s", e.message ? e.message : "");
    latchkey_token same = LATCHKEY_TOKEN_INIT;
    latchkey_get_token(h, "svc", 0, &same, &e);
    CHECK(same.token && strcmp(same.token, t.token) == 0, "a token nobody refused was dropped");
    latchkey_token_release(&same);
    CHECK(token_requests() == 1, "token requests %d", token_requests());

    k = latchkey_invalidate(h, "svc", t.token, &e);
    CHECK(k == LATCHKEY_ERROR_NONE, "invalidate: %s", e.message ? e.message : "");
    latchkey_token fresh = LATCHKEY_TOKEN_INIT;
    k = latchkey_get_token(h, "svc", 0, &fresh, &e);
    CHECK(k == LATCHKEY_ERROR_NONE && strcmp(fresh.token, t.token) != 0, "no new token");
    CHECK(http("/api/whoami", fresh.header, NULL, &b) == 200, "whoami with the new token: %s",
          b.text);
    CHECK(token_requests() == 2, "token requests %d", token_requests());
    latchkey_token_release(&fresh);
    latchkey_token_release(&t);
    latchkey_error_clear(&e);
}

/* Many threads saw the same token refused: one fetch between them. */
#define THREADS 8
struct shared {
    latchkey_handle *h;
    pthread_barrier_t barrier;
    char refused[512];
    int bad;
};

static void *refused_together(void *arg) {
    struct shared *s = arg;
    latchkey_error e = LATCHKEY_ERROR_INIT;
    pthread_barrier_wait(&s->barrier);
    if (latchkey_invalidate(s->h, "svc", s->refused, &e) != LATCHKEY_ERROR_NONE) s->bad = 1;
    for (int i = 0; i < 200; i++) {
        latchkey_token t = LATCHKEY_TOKEN_INIT;
        if (latchkey_get_token(s->h, "svc", 0, &t, &e) != LATCHKEY_ERROR_NONE ||
            strcmp(t.token, s->refused) == 0)
            s->bad = 1;
        latchkey_token_release(&t);
    }
    latchkey_error_clear(&e);
    return NULL;
}

static void threads_share_one_handle(latchkey_handle *h) {
    struct shared s = {.h = h};
    latchkey_token t = LATCHKEY_TOKEN_INIT;
    latchkey_get_token(h, "svc", 0, &t, NULL);
    snprintf(s.refused, sizeof s.refused, "%s", t.token ? t.token : "");
    latchkey_token_release(&t);
    int before = token_requests();
    pthread_barrier_init(&s.barrier, NULL, THREADS);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, refused_together, &s);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&s.barrier);
    CHECK(!s.bad, "a thread got an error or the refused token");
    CHECK(token_requests() == before + 1, "%d threads caused %d fetches", THREADS,
          token_requests() - before);
}

static void login_required(latchkey_handle *h) {
    latchkey_token t = LATCHKEY_TOKEN_INIT;
    latchkey_error e = LATCHKEY_ERROR_INIT;
    latchkey_error_kind k = latchkey_get_token(h, "dev", 0, &t, &e);
    CHECK(k == LATCHKEY_ERROR_LOGIN_REQUIRED, "kind %s", latchkey_error_kind_name(k));
    CHECK(e.kind == LATCHKEY_ERROR_LOGIN_REQUIRED, "error.kind %d", e.kind);
    char expected[512];
    snprintf(expected, sizeof expected, "latchkey --config %s login --at dev", policy_path);
    CHECK(e.command && strcmp(e.command, expected) == 0, "command %s",
          e.command ? e.command : "(null)");
    CHECK(e.message && strstr(e.message, "dev"), "message %s", e.message ? e.message : "");
    CHECK(strcmp(latchkey_error_kind_name(k), "login_required") == 0, "kind name");
    latchkey_error_clear(&e);
    CHECK(e.message == NULL && e.command == NULL && e.kind == LATCHKEY_ERROR_NONE, "cleared");
}

static void sites_and_provider(latchkey_handle *h) {
    char **names = NULL;
    latchkey_error e = LATCHKEY_ERROR_INIT;
    CHECK(latchkey_sites(h, &names, &e) == LATCHKEY_ERROR_NONE, "sites");
    CHECK(names && names[0] && strcmp(names[0], "dev") == 0 && names[1] &&
              strcmp(names[1], "svc") == 0 && !names[2],
          "sites are dev, svc");
    latchkey_strings_free(names);
    char *name = NULL;
    CHECK(latchkey_selected_site(h, &name, &e) == LATCHKEY_ERROR_NONE && strcmp(name, "svc") == 0,
          "selected %s", name ? name : "(null)");
    latchkey_string_free(name);
    char *provider = NULL;
    CHECK(latchkey_site_provider(h, "dev", &provider, &e) == LATCHKEY_ERROR_NONE &&
              strcmp(provider, "oauth2-device-code") == 0,
          "provider %s", provider ? provider : "(null)");
    latchkey_string_free(provider);
}

static void wrong_calls(latchkey_handle *h) {
    latchkey_error e = LATCHKEY_ERROR_INIT;
    latchkey_token t = LATCHKEY_TOKEN_INIT;
    CHECK(latchkey_get_token(NULL, "svc", 0, &t, &e) == LATCHKEY_ERROR_USAGE, "NULL handle");
    CHECK(e.message && strstr(e.message, "NULL"), "message %s", e.message ? e.message : "");
    CHECK(latchkey_get_token(h, "svc", 0, NULL, &e) == LATCHKEY_ERROR_USAGE, "NULL out");
    latchkey_token small = LATCHKEY_TOKEN_INIT;
    small.struct_size = 8;
    CHECK(latchkey_get_token(h, "svc", 0, &small, &e) == LATCHKEY_ERROR_USAGE, "small struct");
    CHECK(e.message && strstr(e.message, "struct_size"), "message %s", e.message ? e.message : "");
    CHECK(latchkey_get_token(h, "svc", -1, &t, &e) == LATCHKEY_ERROR_USAGE, "negative min_valid");
    CHECK(latchkey_get_token(h, "nosuch", 0, &t, &e) == LATCHKEY_ERROR_CONFIG, "unknown site");
    CHECK(e.message && strstr(e.message, "unknown site 'nosuch'"), "message %s",
          e.message ? e.message : "");
    CHECK(t.token == NULL, "a failed call handed out a token");
    /* No error struct at all: the kind alone. */
    CHECK(latchkey_get_token(h, "nosuch", 0, &t, NULL) == LATCHKEY_ERROR_CONFIG, "NULL error");
    latchkey_open_options o = LATCHKEY_OPEN_OPTIONS_INIT;
    o.log_level = "loud";
    latchkey_handle *none = (latchkey_handle *)1;
    CHECK(latchkey_open(&o, &none, &e) == LATCHKEY_ERROR_USAGE && none == NULL, "log level");
    CHECK(latchkey_open(NULL, NULL, &e) == LATCHKEY_ERROR_USAGE, "NULL out");
    latchkey_close(NULL);
    latchkey_error_clear(&e);
}

/* The position comes whole, whatever the file is called: a name with a
 * space in it (a macOS-style "Application Support" folder) is one name. */
static void broken_policy(const char *name) {
    const char *path = write_file(name,
                                  "[sites.svc]\n"
                                  "provider = \"oauth2-client-credentials\"\n"
                                  "client_secret = \"s3cret-in-broken-policy\"\n"
                                  "token_url = [\n");
    latchkey_open_options o = LATCHKEY_OPEN_OPTIONS_INIT;
    o.config_path = path;
    latchkey_error e = LATCHKEY_ERROR_INIT;
    latchkey_handle *h = NULL;
    latchkey_error_kind k = latchkey_open(&o, &h, &e);
    if (k == LATCHKEY_ERROR_NONE) {
        /* The policy is read when first used. */
        latchkey_token t = LATCHKEY_TOKEN_INIT;
        k = latchkey_get_token(h, "svc", 0, &t, &e);
        latchkey_close(h);
    }
    CHECK(k == LATCHKEY_ERROR_CONFIG, "kind %s: %s", latchkey_error_kind_name(k),
          e.message ? e.message : "");
    CHECK(e.file && strcmp(e.file, path) == 0, "file %s", e.file ? e.file : "(null)");
    CHECK(e.line == 4 || e.line == 5, "line %u", e.line);
    CHECK(e.column >= 1, "column %u", e.column);
    CHECK(e.message && !strstr(e.message, "s3cret-in-broken-policy"), "secret in %s", e.message);
    latchkey_error_clear(&e);
}

/* A child of fork() gets a clear error from the parent's handle, never a
 * wait, and a handle of its own works. */
static void after_fork(latchkey_handle *h) {
    fflush(NULL);
    int failed_before = failures;
    pid_t pid = fork();
    if (pid == 0) {
        latchkey_token t = LATCHKEY_TOKEN_INIT;
        latchkey_error e = LATCHKEY_ERROR_INIT;
        int rc = 0;
        if (latchkey_get_token(h, "svc", 0, &t, &e) != LATCHKEY_ERROR_USAGE ||
            !strstr(e.message, "fork()"))
            rc |= 1;
        latchkey_close(h); /* releases only the handle */
        latchkey_handle *mine = open_policy(policy_path);
        latchkey_close(mine);
        _exit(rc | (failures != failed_before ? 2 : 0));
    }
    int status = 0;
    for (int i = 0; i < 200 && waitpid(pid, &status, WNOHANG) == 0; i++) usleep(50 * 1000);
    if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        CHECK(0, "the child of fork() hung");
        return;
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    /* The parent's handle still serves. */
    latchkey_token t = LATCHKEY_TOKEN_INIT;
    CHECK(latchkey_get_token(h, "svc", 0, &t, NULL) == LATCHKEY_ERROR_NONE, "parent after fork");
    latchkey_token_release(&t);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: capi_test DEVSERVER\n");
        return 2;
    }
    if (!make_sandbox()) return 1;
    start_server(argv[1]);

    CHECK(latchkey_version()[0] != '\0', "version");
    write_test_policy("\"s3cret-demo\"", policy_path, sizeof policy_path);
    latchkey_handle *h = open_policy(policy_path);
    if (h) {
        tokens_the_server_accepts(h);
        threads_share_one_handle(h);
        login_required(h);
        sites_and_provider(h);
        wrong_calls(h);
        after_fork(h);
        latchkey_close(h);
    }
    broken_policy("broken.toml");
    broken_policy("broken policy.toml");

    stop_server();
    return finish();
}
