#define _GNU_SOURCE
#include "capi_support.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int failures = 0;
char dir[64];
char server_url[256];

/* ------------------------------------------------------------ the sandbox */

int make_sandbox(void) {
    snprintf(dir, sizeof dir, "/tmp/latchkey-capi-XXXXXX");
    if (!mkdtemp(dir)) return 0;
    setenv("HOME", dir, 1);
    setenv("XDG_CONFIG_HOME", dir, 1);
    setenv("XDG_STATE_HOME", dir, 1);
    /* Where an agent's socket is looked for: only this test's agent. */
    char run[128];
    snprintf(run, sizeof run, "%s/run", dir);
    if (mkdir(run, 0700) != 0) return 0;
    setenv("XDG_RUNTIME_DIR", run, 1);
    for (char **e = environ; *e;) {
        if (strncmp(*e, "LATCHKEY_", 9) == 0) {
            char name[256];
            snprintf(name, sizeof name, "%.*s", (int)strcspn(*e, "="), *e);
            unsetenv(name); /* shifts the rest down: look at *e again */
        } else {
            e++;
        }
    }
    return 1;
}

char *write_file(const char *name, const char *text) {
    static char path[4][256];
    static int next = 0;
    char *p = path[next++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    chmod(p, 0600);
    return p;
}

const char *read_file(const char *path) {
    static char text[65536];
    text[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return text;
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

const char *write_test_policy(const char *client_secret, char *path, size_t path_size) {
    static char policy[2048];
    snprintf(policy, sizeof policy,
             "default_site = \"svc\"\n"
             "[sites.svc]\n"
             "provider = \"oauth2-client-credentials\"\n"
             "token_url = \"%s/oauth2/token\"\n"
             "client_id = \"demo\"\n"
             "client_secret = %s\n"
             "[sites.dev]\n"
             "provider = \"oauth2-device-code\"\n"
             "issuer = \"%s\"\n"
             "client_id = \"cli-app\"\n",
             server_url, client_secret, server_url);
    snprintf(path, path_size, "%s", write_file("policy.toml", policy));
    return policy;
}

latchkey_handle *open_policy(const char *path) {
    latchkey_open_options o = LATCHKEY_OPEN_OPTIONS_INIT;
    o.config_path = path;
    latchkey_error e = LATCHKEY_ERROR_INIT;
    latchkey_handle *h = NULL;
    latchkey_error_kind k = latchkey_open(&o, &h, &e);
    CHECK(k == LATCHKEY_ERROR_NONE && h, "open %s: %s", path, e.message ? e.message : "");
    latchkey_error_clear(&e);
    return h;
}

int finish(void) {
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

/* ------------------------------------------------------------ processes */

pid_t start_listening(char *const argv[], char *const envp[], char *where, size_t where_size) {
    int out[2];
    if (pipe(out) != 0) abort();
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    /* Its log (stderr) is not this test's output. */
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    if (posix_spawn(&pid, argv[0], &fa, NULL, argv, envp ? envp : environ) != 0) {
        fprintf(stderr, "cannot start %s: %s\n", argv[0], strerror(errno));
        exit(1);
    }
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    /* Its output pipe stays open (never read again): a later line it
     * writes never meets a closed pipe. */
    char line[512];
    size_t n = 0;
    struct pollfd p = {out[0], POLLIN, 0};
    while (n + 1 < sizeof line && poll(&p, 1, 20000) > 0) {
        if (read(out[0], line + n, 1) != 1 || line[n] == '\n') break;
        n++;
    }
    line[n] = '\0';
    const char *at = strstr(line, "listening on ");
    if (!at) {
        fprintf(stderr, "%s did not start: '%s'\n", argv[0], line);
        kill(pid, SIGKILL);
        exit(1);
    }
    at += strlen("listening on ");
    snprintf(where, where_size, "%.*s", (int)strcspn(at, " "), at);
    return pid;
}

static pid_t server_pid;

void start_server(const char *devserver) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
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
    server_pid = start_listening(argv, NULL, server_url, sizeof server_url);
}

void stop_server(void) {
    kill(server_pid, SIGTERM);
    waitpid(server_pid, NULL, 0);
}

static size_t collect(char *data, size_t size, size_t n, void *user) {
    struct body *b = user;
    size_t len = size * n;
    if (b->len + len >= sizeof b->text) len = sizeof b->text - 1 - b->len;
    memcpy(b->text + b->len, data, len);
    b->len += len;
    b->text[b->len] = '\0';
    return size * n;
}

long http(const char *path, const char *header, const char *post_json, struct body *b) {
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

int token_requests(void) {
    struct body b;
    if (http("/admin/stats", NULL, NULL, &b) != 200) return -1;
    const char *at = strstr(b.text, "\"token_requests\":");
    return at ? atoi(at + strlen("\"token_requests\":")) : -1;
}
