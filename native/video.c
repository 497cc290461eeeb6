/* video.c — an ffmpeg child fed raw RGBA frames over a socket pair. See video.h. */
#include "video.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct pc_video {
    pid_t pid;
    int fd;        /* our end of the socket pair: ffmpeg's stdin */
    FILE *errlog;  /* ffmpeg's stderr, read back when it fails */
    int w, h;
    uint8_t *row;  /* byte-order conversion buffer, big-endian hosts only */
};

/* True when path is an executable regular file. */
static int is_exe(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Searches $PATH for name like execvp would; 0 with out filled, or PC_ENOTFOUND. */
static int find_on_path(const char *name, char *out, size_t cap) {
    const char *p = getenv("PATH");
    if (!p) return PC_ENOTFOUND;
    while (1) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        int k = n ? snprintf(out, cap, "%.*s/%s", (int)n, p, name) : snprintf(out, cap, "./%s", name);
        if (k > 0 && (size_t)k < cap && is_exe(out)) return 0;
        if (!end) break;
        p = end + 1;
    }
    out[0] = '\0';
    return PC_ENOTFOUND;
}

/* Runs `ffmpeg -hide_banner -encoders` and reads its listing into buf (NUL-terminated,
 * truncated to cap). Returns 0 or PC_EIO. */
static int list_encoders(const char *ffmpeg, char *buf, size_t cap, pc_errbuf_t *err) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return pc_errf(err, PC_EIO, "ffmpeg: pipe: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char *argv[] = {(char *)ffmpeg, "-hide_banner", "-encoders", NULL};
    pid_t pid;
    int r = posix_spawn(&pid, ffmpeg, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (r != 0) {
        close(fds[0]);
        return pc_errf(err, PC_EIO, "cannot start %s: %s", ffmpeg, strerror(r));
    }
    size_t n = 0;
    while (1) { /* read to EOF so ffmpeg never blocks on a full pipe */
        char sink[4096];
        char *dst = n + 1 < cap ? buf + n : sink;
        size_t room = n + 1 < cap ? cap - 1 - n : sizeof sink;
        ssize_t got = read(fds[0], dst, room);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        if (dst != sink) n += (size_t)got;
    }
    buf[n] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return 0;
}

int pc_video_find_ffmpeg(pc_ffmpeg_t *ff, pc_errbuf_t *err) {
    memset(ff, 0, sizeof *ff);
    if (find_on_path("ffmpeg", ff->path, sizeof ff->path) != 0)
        return pc_errf(err, PC_ENOTFOUND, "ffmpeg is not on PATH");
    size_t cap = 1 << 16; /* ffmpeg 5's listing is ~20 KiB */
    char *listing = malloc(cap);
    if (!listing) return pc_errf(err, PC_ENOMEM, "out of memory");
    int r = list_encoders(ff->path, listing, cap, err);
    if (r == 0) {
        if (strstr(listing, " libx264 "))
            snprintf(ff->codec, sizeof ff->codec, "libx264");
        else if (strstr(listing, " mpeg4 "))
            snprintf(ff->codec, sizeof ff->codec, "mpeg4");
        else
            r = pc_errf(err, PC_ENOTFOUND, "%s has neither the libx264 nor the mpeg4 encoder", ff->path);
    }
    free(listing);
    return r;
}

int pc_video_open(pc_video_t **out, const pc_ffmpeg_t *ff, const char *path, int w, int h, double fps,
                  pc_errbuf_t *err) {
    *out = NULL;
    if (!ff || !ff->path[0] || !path || w < 2 || h < 2 || (w & 1) || (h & 1) || !(fps > 0 && fps <= 1000))
        return pc_errf(err, PC_EINVAL, "mp4: needs ffmpeg, an even size (got %dx%d) and a frame rate", w, h);
    pc_video_t *v = calloc(1, sizeof *v);
    if (!v) return pc_errf(err, PC_ENOMEM, "mp4: out of memory");
    v->w = w;
    v->h = h;
    v->fd = -1;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v->row = malloc((size_t)w * 4);
    if (!v->row) {
        free(v);
        return pc_errf(err, PC_ENOMEM, "mp4: out of memory");
    }
#endif
    v->errlog = tmpfile();
    int sv[2];
    if (!v->errlog || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        int e = errno;
        if (v->errlog) fclose(v->errlog);
        free(v->row);
        free(v);
        return pc_errf(err, PC_EIO, "mp4: cannot set up the pipe to ffmpeg: %s", strerror(e));
    }
    char size[32], rate[32];
    snprintf(size, sizeof size, "%dx%d", w, h);
    snprintf(rate, sizeof rate, "%.6g", fps);
    int x264 = strcmp(ff->codec, "libx264") == 0;
    /* -crf 18 / -q:v 2: charts are thin lines and small text, which low rates smear */
    char *argv[] = {(char *)ff->path, "-hide_banner", "-nostats", "-loglevel", "error", "-y",
                    "-f", "rawvideo", "-pix_fmt", "rgba", "-s", size, "-r", rate, "-i", "-", "-an",
                    "-c:v", x264 ? "libx264" : "mpeg4", x264 ? "-crf" : "-q:v", x264 ? "18" : "2",
                    "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", (char *)path, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fileno(v->errlog), 2);
    /* its own process group: Ctrl-C on the terminal reaches only us, and we stop it (abort) */
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    int r = posix_spawn(&v->pid, ff->path, &fa, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    close(sv[1]);
    if (r != 0) {
        close(sv[0]);
        fclose(v->errlog);
        free(v->row);
        free(v);
        return pc_errf(err, PC_EIO, "cannot start %s: %s", ff->path, strerror(r));
    }
    v->fd = sv[0];
    *out = v;
    return 0;
}

/* Sends all n bytes; PC_EIO when the reader is gone. */
static int send_all(int fd, const void *buf, size_t n) {
    const uint8_t *p = buf;
    while (n) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return PC_EIO;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int pc_video_add_frame(pc_video_t *v, const pc_fb_t *fb, pc_errbuf_t *err) {
    if (!v || !pc_fb_valid(fb) || fb->w != v->w || fb->h != v->h)
        return pc_errf(err, PC_EINVAL, "mp4: frame size differs from the video's %dx%d", v ? v->w : 0, v ? v->h : 0);
    int r = 0;
    if (!v->row && fb->stride == fb->w) { /* little-endian: the pixels are already R,G,B,A bytes */
        r = send_all(v->fd, fb->px, (size_t)fb->w * (size_t)fb->h * 4);
    } else {
        for (int y = 0; y < fb->h && r == 0; y++) {
            const uint32_t *src = fb->px + (size_t)y * (size_t)fb->stride;
            if (!v->row) {
                r = send_all(v->fd, src, (size_t)fb->w * 4);
                continue;
            }
            for (int x = 0; x < fb->w; x++) {
                v->row[4 * x + 0] = (uint8_t)PC_R(src[x]);
                v->row[4 * x + 1] = (uint8_t)PC_G(src[x]);
                v->row[4 * x + 2] = (uint8_t)PC_B(src[x]);
                v->row[4 * x + 3] = (uint8_t)PC_A(src[x]);
            }
            r = send_all(v->fd, v->row, (size_t)fb->w * 4);
        }
    }
    if (r != 0) return pc_errf(err, PC_EIO, "mp4: ffmpeg stopped reading frames");
    return 0;
}

/* ffmpeg's last non-empty stderr line, or "" (for error messages). */
static void last_line(FILE *f, char *out, size_t cap) {
    out[0] = '\0';
    if (!f || fseek(f, 0, SEEK_SET) != 0) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ')) line[--n] = '\0';
        if (n) snprintf(out, cap, "%s", line);
    }
}

static int wait_child(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return status;
}

int pc_video_close(pc_video_t *v, pc_errbuf_t *err) {
    if (!v) return 0;
    close(v->fd); /* EOF on ffmpeg's stdin: it finishes the file */
    int status = wait_child(v->pid), r = 0;
    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char why[200];
        last_line(v->errlog, why, sizeof why);
        if (status >= 0 && WIFSIGNALED(status))
            r = pc_errf(err, PC_EIO, "ffmpeg was killed by signal %d%s%s", WTERMSIG(status), why[0] ? ": " : "", why);
        else
            r = pc_errf(err, PC_EIO, "ffmpeg failed (exit %d)%s%s", status < 0 ? -1 : WEXITSTATUS(status),
                        why[0] ? ": " : "", why);
    }
    fclose(v->errlog);
    free(v->row);
    free(v);
    return r;
}

void pc_video_abort(pc_video_t *v) {
    if (!v) return;
    close(v->fd);
    kill(v->pid, SIGTERM);
    wait_child(v->pid);
    fclose(v->errlog);
    free(v->row);
    free(v);
}
