/* The C API (latchkey/latchkey.h) from a program compiled as C, against the
 * development authorization server on 127.0.0.1: open, tokens that the
 * server accepts, invalidate with the refused token, threads sharing one
 * handle, a login-required site, a broken policy, wrong calls, fork().
 *
 *   capi_test DEVSERVER   (the latchkey-devserver program)
 *
 * Prints one line per failed check and exits 1 if any failed. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <latchkey/latchkey.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int failures = 0;

#define CHECK(cond, ...)                                                             \
    do {                                                                             \
        if (!(cond)) {                                                               \
            failures++;                                                              \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                            \
            fputc('\n', stderr);                                                     \
        }                                                                            \
    } while (0)

/* ------------------------------------------------------------ the server */

static pid_t server_pid;
static char server_url[256];

static void start_server(const char *devserver) {
    int out[2];
    if (pipe(out) != 0) abort();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    /* Its request log (stderr) is not this test's output. */
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char *argv[] = {(char *)devserver,
                    "--port",
                    "0",
                    "--client",
                    "demo:s3cret-demo",
                    "--client",
                    "cli-app:",
                    "--setting",
                    "instance_url=https://org.example.test",
                    NULL};
    if (posix_spawn(&server_pid, devserver, &fa, NULL, argv, environ) != 0) {
        fprintf(stderr, "cannot start %s: %s\n", devserver, strerror(errno));
        exit(1);
    }
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    /* The first line names the address: "latchkey-devserver listening on URL". */
    char line[512];
    size_t n = 0;
    struct pollfd p = {out[0], POLLIN, 0};
    while (n + 1 < sizeof line && poll(&p, 1, 10000) > 0) {
        if (read(out[0], line + n, 1) != 1 || line[n] == '\n') break;
        n++;
    }
    line[n] = '\0';
    const char *at = strstr(line, "listening on ");
    if (!at) {
        fprintf(stderr, "the dev server did not start: '%s'\n", line);
        kill(server_pid, SIGKILL);
        exit(1);
    }
    snprintf(server_url, sizeof server_url, "%s", at + strlen("listening on "));
}

static void stop_server(void) {
    kill(server_pid, SIGTERM);
    waitpid(server_pid, NULL, 0);
}

struct body {
    char text[8192];
    size_t len;
};

static size_t collect(char *data, size_t size, size_t n, void *user) {
    struct body *b = user;
    size_t len = size * n;
    if (b->len + len >= sizeof b->text) len = sizeof b->text - 1 - b->len;
    memcpy(b->text + b->len, data, len);
    b->len += len;
    b->text[b->len] = '\0';
    return size * n;
}

/* GET (post_json NULL) or POST `path` with `header`; returns the status. */
static long http(const char *path, const char *header, const char *post_json, struct body *b) {
    char url[512];
    snprintf(url, sizeof url, "%s%s", server_url, path);
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    if (header) h = curl_slist_append(h, header);
    if (post_json) {
        h = curl_slist_append(h, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post_json);
    }
    b->len = 0;
    b->text[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return status;
}

/* The dev server's count of tokens issued (GET /admin/stats). */
static int token_requests(void) {
    struct body b;
    if (http("/admin/stats", NULL, NULL, &b) != 200) return -1;
    const char *at = strstr(b.text, "\"token_requests\":");
    return at ? atoi(at + strlen("\"token_requests\":")) : -1;
}

/* ------------------------------------------------------------ the sandbox */

static char dir[64];
static char policy_path[256];

static char *write_file(const char *name, const char *text) {
    static char path[4][256];
    static int next = 0;
    char *p = path[next++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    return p;
}

static latchkey_handle *open_policy(const char *path) {
    latchkey_open_options o = LATCHKEY_OPEN_OPTIONS_INIT;
    o.config_path = path;
    latchkey_error e = LATCHKEY_ERROR_INIT;
    latchkey_handle *h = NULL;
    latchkey_error_kind k = latchkey_open(&o, &h, &e);
    CHECK(k == LATCHKEY_ERROR_NONE && h, "open %s: %s", path, e.message ? e.message : "");
    latchkey_error_clear(&e);
    return h;
}

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
    snprintf(dir, sizeof dir, "/tmp/latchkey-capi-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    setenv("HOME", dir, 1);
    setenv("XDG_CONFIG_HOME", dir, 1);
    setenv("XDG_STATE_HOME", dir, 1);
    unsetenv("LATCHKEY_CONFIG");
    unsetenv("LATCHKEY_SITE");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    start_server(argv[1]);

    CHECK(latchkey_version()[0] != '\0', "version");
    char policy[2048];
    snprintf(policy, sizeof policy,
             "default_site = \"svc\"\n"
             "[sites.svc]\n"
             "provider = \"oauth2-client-credentials\"\n"
             "token_url = \"%s/oauth2/token\"\n"
             "client_id = \"demo\"\n"
             "client_secret = \"s3cret-demo\"\n"
             "[sites.dev]\n"
             "provider = \"oauth2-device-code\"\n"
             "issuer = \"%s\"\n"
             "client_id = \"cli-app\"\n",
             server_url, server_url);
    snprintf(policy_path, sizeof policy_path, "%s", write_file("policy.toml", policy));
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
    curl_global_cleanup();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    else
        printf("all checks passed\n");
    return failures ? 1 : 0;
}
