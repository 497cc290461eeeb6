/* paths.h — where perfcast keeps things on the host, and writing them whole. */
#ifndef PC_PATHS_H
#define PC_PATHS_H

#include <stddef.h>

/* Directory runs are recorded to by default: $XDG_DATA_HOME/perfcast/runs, else
 * $HOME/.local/share/perfcast/runs, else ./perfcast-runs. Writes it into buf (cap bytes);
 * returns 0 or PC_ELIMIT when it does not fit. Does not create it. */
int pc_default_record_dir(char *buf, size_t cap);
/* Creates dir and its parents (mode 0755); 0 or PC_EIO (errno says why). */
int pc_mkdirs(const char *dir);
/* Directory holding the viewer (index.html, perfcast.js, perfcast.wasm): $PERFCAST_WWW if
 * set, else <dir of the running binary>/../www (build/bin -> build/www), else
 * <prefix>/share/perfcast/www. Returns 0, or PC_ENOTFOUND when none has index.html. */
int pc_www_dir(char *buf, size_t cap);
/* Result file path for a run: DIR/RUN_ID.pcast. 0 or PC_ELIMIT. */
int pc_run_path(char *buf, size_t cap, const char *dir, const char *run_id);
/* Writes all n bytes to fd, retrying short writes and EINTR: 0, or the errno that stopped it. */
int pc_write_all(int fd, const void *p, size_t n);

#endif
