/* What the C programs testing the C API (latchkey/latchkey.h) share: checks
 * that count their failures, a sandbox directory standing in for HOME and
 * the XDG directories, the development authorization server on 127.0.0.1,
 * and other processes a test starts and waits for. Plain C11 (with POSIX). */
#ifndef LATCHKEY_TESTS_CAPI_SUPPORT_H
#define LATCHKEY_TESTS_CAPI_SUPPORT_H

#include <latchkey/latchkey.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

extern int failures;

#define CHECK(cond, ...)                                                             \
    do {                                                                             \
        if (!(cond)) {                                                               \
            failures++;                                                              \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                            \
            fputc('\n', stderr);                                                     \
        }                                                                            \
    } while (0)

/* ------------------------------------------------------------ the sandbox */

/* A fresh directory, made HOME, XDG_CONFIG_HOME, XDG_STATE_HOME and (its
 * run/, 0700) XDG_RUNTIME_DIR, with no LATCHKEY_* variable set. Returns 0
 * when it cannot be made. */
int make_sandbox(void);
extern char dir[64];

/* Writes dir/NAME (mode 0600); returns its path, which stays valid for the
 * next three calls. */
char *write_file(const char *name, const char *text);
/* The file's text (at most 64 KiB), or "" when it cannot be read. */
const char *read_file(const char *path);

/* Writes dir/policy.toml, into `path`: site svc (client credentials at the
 * dev server, the selected site) whose client_secret is `client_secret`
 * (TOML: "\"s3cret-demo\"" or "{ env = \"VAR\" }"), and site dev (a
 * device-code login at the dev server). Returns the text written. */
const char *write_test_policy(const char *client_secret, char *path, size_t path_size);

/* A handle on the policy at `path`; a failed check (and NULL) when it does
 * not open. */
latchkey_handle *open_policy(const char *path);

/* Removes the sandbox; prints how the checks went and returns the exit code. */
int finish(void);

/* ------------------------------------------------------------ processes */

/* Starts argv[0] with `envp` (NULL: this process's environment), its
 * standard error sent to /dev/null, and reads its standard output until a
 * line holding "listening on "; what follows, up to a space, goes to
 * `where`. Exits the test when it does not start within 20 s. */
pid_t start_listening(char *const argv[], char *const envp[], char *where, size_t where_size);

/* The dev server (latchkey-devserver on 127.0.0.1, a free port), with the
 * clients demo:s3cret-demo and cli-app, and instance_url in its tokens. */
extern char server_url[256];
void start_server(const char *devserver);
void stop_server(void);

struct body {
    char text[8192];
    size_t len;
};
/* GET (post_json NULL) or POST `path` at the dev server with `header`;
 * returns the status. */
long http(const char *path, const char *header, const char *post_json, struct body *b);
/* The dev server's count of tokens issued (GET /admin/stats). */
int token_requests(void);

#endif /* LATCHKEY_TESTS_CAPI_SUPPORT_H */
