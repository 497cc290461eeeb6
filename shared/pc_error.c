/* pc_error.c — error codes to words, and the formatted error buffer. */
#include "pc_error.h"

#include <stdarg.h>
#include <stdio.h>

const char *pc_strerror(int code) {
    switch (code) {
    case PC_OK: return "success";
    case PC_EINVAL: return "invalid argument";
    case PC_ENOMEM: return "out of memory";
    case PC_EIO: return "input/output error";
    case PC_ETRUNC: return "truncated input";
    case PC_ECORRUPT: return "corrupt data";
    case PC_EVERSION: return "unsupported format version";
    case PC_EFORMAT: return "malformed content";
    case PC_ENOTFOUND: return "not found";
    case PC_EAGAIN: return "queue full, try again";
    case PC_EBUSY: return "busy";
    case PC_ELIMIT: return "limit exceeded";
    case PC_ESTATE: return "invalid state";
    default: return "unknown error";
    }
}

int pc_errf(pc_errbuf_t *err, int code, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}
