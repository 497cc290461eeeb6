/* pc_error.h — error codes shared by every perfcast module.
 *
 * Library functions return 0 on success or a negative PC_E* code; pc_strerror() turns a
 * code into words. Functions that can say more (which file, which byte) fill a
 * caller-owned pc_errbuf_t. Library code never prints and never exits: the CLI does. */
#ifndef PC_ERROR_H
#define PC_ERROR_H

#include <stddef.h>

enum {
    PC_OK = 0,
    PC_EINVAL = -1,    /* bad argument or parameter value */
    PC_ENOMEM = -2,    /* allocation failed */
    PC_EIO = -3,       /* read/write failed (errno has details) */
    PC_ETRUNC = -4,    /* input ends inside a record: more bytes needed or a torn tail */
    PC_ECORRUPT = -5,  /* checksum, length or structure does not hold */
    PC_EVERSION = -6,  /* format version this build does not read */
    PC_EFORMAT = -7,   /* well-framed but semantically malformed (bad JSON, missing field) */
    PC_ENOTFOUND = -8, /* unknown suite, view, series or key */
    PC_EAGAIN = -9,    /* bounded queue full: try again later, nothing was taken */
    PC_EBUSY = -10,    /* a run is already in progress */
    PC_ELIMIT = -11,   /* a configured limit (size, rate, count) was exceeded */
    PC_ESTATE = -12,   /* call not valid in the current state */
};

/* Returns a static English description of a PC_E* code; never NULL. */
const char *pc_strerror(int code);

/* A caller-owned message buffer for errors that carry context (file, position, field). */
typedef struct pc_errbuf {
    char msg[256];
} pc_errbuf_t;

/* printf-style setter that tolerates err == NULL; returns `code` so callers can
 * `return pc_errf(err, PC_EFORMAT, "...", ...)`. */
int pc_errf(pc_errbuf_t *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
