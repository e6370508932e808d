/*
 * directory-storage: a latchkey storage plugin (latchkey/storage.h) that
 * keeps each credential as one file in a directory of your choosing.
 *
 *     [storage]
 *     backend = "directory-storage"
 *
 *     [storage.directory-storage]
 *     dir = "/var/lib/myapp/latchkey"
 *
 * The directory is created with mode 0700 when missing and refused when
 * group or others may enter it. Each key is DIR/KEY.json (mode 0600),
 * written to a temporary file, synced and renamed into place, so a reader
 * sees the old document or the new one, never half of one. Locks are flock()
 * on DIR/KEY.lock, which excludes other threads, instances and processes
 * alike. Listing scans the directory.
 *
 * Plain C against the SDK headers only: copy this directory to start your
 * own storage plugin.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <latchkey/storage.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_KEY 200
#define MAX_DOCUMENT (1 << 20)

typedef struct dirstore {
    const latchkey_storage_host *host;
    char dir[4096];
} dirstore;

typedef struct dirlock {
    int fd;
} dirlock;

static latchkey_status fail(char *error, size_t error_len, latchkey_status status,
                            const char *format, ...) {
    va_list ap;
    if (error && error_len) {
        va_start(ap, format);
        vsnprintf(error, error_len, format, ap);
        va_end(ap);
    }
    return status;
}

/* Keys are 1-200 of [A-Za-z0-9._-], not starting with '.' (the host promises
 * this; a file name is built from them, so check anyway). */
static int valid_key(const char *key) {
    size_t n = 0;
    if (!key || !*key || *key == '.') return 0;
    for (; key[n]; ++n) {
        char c = key[n];
        if (n >= MAX_KEY) return 0;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* DIR/KEY.EXT into `out`. */
static latchkey_status path_of(const dirstore *s, const char *key, const char *ext, char *out,
                               size_t out_len, char *error, size_t error_len) {
    if (!valid_key(key)) return fail(error, error_len, LATCHKEY_E_INTERNAL, "invalid key");
    if ((size_t)snprintf(out, out_len, "%s/%s%s", s->dir, key, ext) >= out_len)
        return fail(error, error_len, LATCHKEY_E_CONFIG, "path too long under %s", s->dir);
    return LATCHKEY_OK;
}

/* mkdir -p, each directory it creates with mode 0700. */
static int make_dirs(char *path) {
    char *p;
    for (p = path + 1; *p; ++p) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            *p = '/';
            return -1;
        }
        *p = '/';
    }
    return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* A directory only we may enter. */
static latchkey_status check_dir(const char *dir, char *error, size_t error_len) {
    struct stat st;
    if (stat(dir, &st) != 0)
        return fail(error, error_len, LATCHKEY_E_CONFIG, "cannot use %s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return fail(error, error_len, LATCHKEY_E_CONFIG, "%s is not a directory", dir);
    if (st.st_uid != geteuid())
        return fail(error, error_len, LATCHKEY_E_CONFIG, "%s belongs to another user", dir);
    if (st.st_mode & 077)
        return fail(error, error_len, LATCHKEY_E_CONFIG,
                    "%s has mode %04o, open to other users; run `chmod 700 %s`", dir,
                    (unsigned)(st.st_mode & 07777), dir);
    return LATCHKEY_OK;
}

static latchkey_status ds_open(const latchkey_storage_host *host, void **instance, char *error,
                               size_t error_len) {
    /* A LATCHKEY_OPT_PATH option: the host already turned ~/ into $HOME/. */
    const char *dir = host->option(host->ctx, "dir");
    char path[4096];
    size_t n;
    latchkey_status st;
    dirstore *s;

    *instance = NULL;
    if (!dir || !*dir) return fail(error, error_len, LATCHKEY_E_CONFIG, "option 'dir' is required");
    n = (size_t)snprintf(path, sizeof path, "%s", dir);
    if (n >= sizeof path) return fail(error, error_len, LATCHKEY_E_CONFIG, "'dir' is too long");
    if (path[0] != '/')
        return fail(error, error_len, LATCHKEY_E_CONFIG,
                    "'dir' must be an absolute path (or start with ~/), not '%s'", path);
    while (n > 1 && path[n - 1] == '/') path[--n] = '\0';
    if (access(path, F_OK) != 0 && make_dirs(path) != 0)
        return fail(error, error_len, LATCHKEY_E_CONFIG, "cannot create %s: %s", path,
                    strerror(errno));
    st = check_dir(path, error, error_len);
    if (st != LATCHKEY_OK) return st;

    s = calloc(1, sizeof *s);
    if (!s) return fail(error, error_len, LATCHKEY_E_INTERNAL, "out of memory");
    s->host = host;
    memcpy(s->dir, path, n + 1);
    *instance = s;
    return LATCHKEY_OK;
}

static void ds_close(void *instance) { free(instance); }

static latchkey_status ds_load(void *instance, const char *key, latchkey_sink sink, void *user,
                               int *found, char *error, size_t error_len) {
    dirstore *s = instance;
    char path[4096 + MAX_KEY + 8], buf[4096];
    struct stat st;
    ssize_t got;
    int fd;
    latchkey_status rc = path_of(s, key, ".json", path, sizeof path, error, error_len);

    *found = 0;
    if (rc != LATCHKEY_OK) return rc;
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return LATCHKEY_OK;
        return fail(error, error_len, LATCHKEY_E_INTERNAL, "cannot read %s: %s", path,
                    strerror(errno));
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(error, error_len, LATCHKEY_E_INTERNAL, "%s is not a regular file", path);
    }
    if (st.st_mode & 077) {
        close(fd);
        return fail(error, error_len, LATCHKEY_E_CONFIG,
                    "%s has mode %04o, readable by other users; run `chmod 600 %s`", path,
                    (unsigned)(st.st_mode & 07777), path);
    }
    if (st.st_size > MAX_DOCUMENT) {
        close(fd);
        return fail(error, error_len, LATCHKEY_E_INTERNAL, "%s is larger than %d bytes", path,
                    MAX_DOCUMENT);
    }
    while ((got = read(fd, buf, sizeof buf)) != 0) {
        if (got < 0) {
            if (errno == EINTR) continue;
            close(fd);
            return fail(error, error_len, LATCHKEY_E_INTERNAL, "cannot read %s: %s", path,
                        strerror(errno));
        }
        sink(user, buf, (size_t)got);
    }
    close(fd);
    *found = 1;
    return LATCHKEY_OK;
}

static latchkey_status ds_save(void *instance, const char *key, const char *document, size_t len,
                               int64_t expires_at_ms, char *error, size_t error_len) {
    dirstore *s = instance;
    char path[4096 + MAX_KEY + 8], tmp[4096 + MAX_KEY + 16];
    size_t off = 0;
    int fd, dfd;
    latchkey_status rc = path_of(s, key, ".json", path, sizeof path, error, error_len);

    (void)expires_at_ms; /* entries stay until replaced; the host judges expiry */
    if (rc != LATCHKEY_OK) return rc;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", s->dir, key) >= sizeof tmp)
        return fail(error, error_len, LATCHKEY_E_CONFIG, "path too long under %s", s->dir);
    fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
    if (fd < 0)
        return fail(error, error_len, LATCHKEY_E_INTERNAL, "cannot write to %s: %s", s->dir,
                    strerror(errno));
    while (off < len) {
        ssize_t w = write(fd, document + off, len - off);
        if (w < 0) {
            int e = errno;
            if (e == EINTR) continue;
            close(fd);
            unlink(tmp);
            return fail(error, error_len, LATCHKEY_E_INTERNAL, "cannot write %s: %s", tmp,
                        strerror(e));
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        unlink(tmp);
        return fail(error, error_len, LATCHKEY_E_INTERNAL, "cannot sync %s: %s", tmp,
                    strerror(errno));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return fail(error, error_len, LATCHKEY_E_INTERNAL, "cannot replace %s: %s", path,
                    strerror(e));
    }
    /* The rename is durable once the directory itself is synced. */
    dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return LATCHKEY_OK;
}

static latchkey_status ds_erase(void *instance, const char *key, char *error, size_t error_len) {
    char path[4096 + MAX_KEY + 8];
    latchkey_status rc = path_of(instance, key, ".json", path, sizeof path, error, error_len);
    if (rc != LATCHKEY_OK) return rc;
    if (unlink(path) != 0 && errno != ENOENT)
        return fail(error, error_len, LATCHKEY_E_INTERNAL, "cannot remove %s: %s", path,
                    strerror(errno));
    return LATCHKEY_OK;
}

static latchkey_status ds_lock(void *instance, const char *key, void **lock, char *error,
                               size_t error_len) {
    char path[4096 + MAX_KEY + 8];
    dirlock *l;
    int fd;
    latchkey_status rc = path_of(instance, key, ".lock", path, sizeof path, error, error_len);

    *lock = NULL;
    if (rc != LATCHKEY_OK) return rc;
    /* A new open file description per lock: flock() then excludes other
     * threads of this process as it excludes other processes. */
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return fail(error, error_len, LATCHKEY_E_INTERNAL, "cannot open %s: %s", path,
                    strerror(errno));
    while (flock(fd, LOCK_EX) != 0) {
        int e = errno;
        if (e == EINTR) continue;
        close(fd);
        return fail(error, error_len, LATCHKEY_E_INTERNAL, "cannot lock %s: %s", path, strerror(e));
    }
    l = malloc(sizeof *l);
    if (!l) {
        close(fd); /* releases the lock */
        return fail(error, error_len, LATCHKEY_E_INTERNAL, "out of memory");
    }
    l->fd = fd;
    *lock = l;
    return LATCHKEY_OK;
}

static void ds_unlock(void *instance, void *lock) {
    dirlock *l = lock;
    (void)instance;
    if (!l) return;
    flock(l->fd, LOCK_UN);
    close(l->fd);
    free(l);
}

static latchkey_status ds_list(void *instance, latchkey_sink sink, void *user, char *error,
                               size_t error_len) {
    dirstore *s = instance;
    struct dirent *e;
    DIR *d = opendir(s->dir);
    if (!d)
        return fail(error, error_len, LATCHKEY_E_INTERNAL, "cannot list %s: %s", s->dir,
                    strerror(errno));
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        char key[MAX_KEY + 1];
        if (n <= 5 || n - 5 > MAX_KEY || strcmp(e->d_name + n - 5, ".json") != 0) continue;
        memcpy(key, e->d_name, n - 5);
        key[n - 5] = '\0';
        if (valid_key(key)) sink(user, key, n - 5);
    }
    closedir(d);
    return LATCHKEY_OK;
}

static void ds_location(void *instance, latchkey_sink sink, void *user) {
    dirstore *s = instance;
    sink(user, s->dir, strlen(s->dir));
}

static void count_sink(void *user, const char *data, size_t len) {
    (void)data, (void)len;
    ++*(size_t *)user;
}

static latchkey_status ds_check(void *instance, latchkey_sink sink, void *user, char *error,
                                size_t error_len) {
    dirstore *s = instance;
    char line[4096 + 64];
    size_t count = 0;
    latchkey_status rc = check_dir(s->dir, error, error_len);
    if (rc != LATCHKEY_OK) return rc;
    if (access(s->dir, R_OK | W_OK | X_OK) != 0)
        return fail(error, error_len, LATCHKEY_E_CONFIG, "%s is not writable: %s", s->dir,
                    strerror(errno));
    rc = ds_list(instance, count_sink, &count, error, error_len);
    if (rc != LATCHKEY_OK) return rc;
    snprintf(line, sizeof line, "%s (mode 0700, owned by you, %zu stored)", s->dir, count);
    sink(user, line, strlen(line));
    return LATCHKEY_OK;
}

static const latchkey_option options[] = {
    {"dir", LATCHKEY_OPT_PATH, LATCHKEY_OPTF_REQUIRED, NULL,
     "directory that holds one file per credential (created with mode 0700; ~/ allowed)"},
    {0},
};

static const latchkey_storage descriptor = {
    sizeof(latchkey_storage),
    LATCHKEY_STORAGE_ABI_MAJOR,
    LATCHKEY_STORAGE_ABI_MINOR,
    "directory-storage",
    "1.0.0",
    "Keeps each credential as a file in a directory, with flock locks (example storage plugin).",
    options,
    ds_open,
    ds_load,
    ds_save,
    ds_erase,
    ds_lock,
    ds_unlock,
    ds_list,
    ds_close,
    ds_location,
    ds_check,
};

LATCHKEY_EXPORT const latchkey_storage *latchkey_storage_v1(void) { return &descriptor; }
