/* agent_auth.c — who may talk to the agent: listen-address parsing, loopback checks and the
 * WebSocket upgrade decision (subprotocol, Origin, loopback Host, token). Kept apart from the
 * protocol and broadcasting in agent.c so the security rules read in one place. */
#include "agent_auth.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent.h"
#include "pc_error.h"


int pc_agent_host_is_loopback(const char *host) {
    if (!host) return 0;
    if (!strcasecmp(host, "localhost") || !strcmp(host, "::1") || !strcmp(host, "[::1]")) return 1;
    struct in_addr a;
    if (inet_pton(AF_INET, host, &a) == 1) return (ntohl(a.s_addr) >> 24) == 127;
    return 0;
}

int pc_agent_parse_listen(const char *s, char *host, size_t host_cap, int *port) {
    if (!s || !*s) return PC_EINVAL;
    const char *colon;
    char h[128] = "";
    if (s[0] == '[') { /* [v6]:port */
        const char *end = strchr(s, ']');
        if (!end || (size_t)(end - s - 1) >= sizeof h) return PC_EINVAL;
        memcpy(h, s + 1, (size_t)(end - s - 1));
        h[end - s - 1] = '\0';
        colon = end[1] == ':' ? end + 1 : NULL;
        if (end[1] && !colon) return PC_EINVAL;
    } else {
        colon = strrchr(s, ':');
        if (colon && strchr(s, ':') != colon) return PC_EINVAL; /* bare v6 needs brackets */
        size_t n = colon ? (size_t)(colon - s) : strlen(s);
        if (n >= sizeof h) return PC_EINVAL;
        memcpy(h, s, n);
        h[n] = '\0';
    }
    if (colon) {
        char *end;
        long p = strtol(colon + 1, &end, 10);
        if (!colon[1] || *end || p < 0 || p > 65535) return PC_EINVAL;
        *port = (int)p;
    }
    if (h[0]) {
        if (!strcasecmp(h, "localhost")) snprintf(h, sizeof h, "127.0.0.1");
        struct in_addr a4;
        struct in6_addr a6;
        if (inet_pton(AF_INET, h, &a4) != 1 && inet_pton(AF_INET6, h, &a6) != 1) return PC_EINVAL;
        if ((size_t)snprintf(host, host_cap, "%s", h) >= host_cap) return PC_EINVAL;
    }
    return 0;
}

/* Compares without an early exit, so response timing does not reveal a prefix match. */
static int token_equal(const char *a, size_t alen, const char *b) {
    size_t blen = strlen(b);
    unsigned diff = (unsigned)(alen ^ blen);
    for (size_t i = 0; i < alen; i++) diff |= (unsigned char)a[i] ^ (unsigned char)b[i % (blen ? blen : 1)];
    return diff == 0 && blen > 0;
}

/* A header's value into buf, "" when absent or too long. */
static void header_copy(struct lws *wsi, enum lws_token_indexes h, char *buf, int cap) {
    buf[0] = '\0';
    int n = lws_hdr_total_length(wsi, h);
    if (n <= 0 || n >= cap || lws_hdr_copy(wsi, buf, cap, h) < 0) buf[0] = '\0';
}

/* The host part of a Host header value ("127.0.0.1:7681" -> "127.0.0.1", "[::1]:80" -> "::1"). */
static void host_part(const char *hostport, char *out, size_t cap) {
    const char *s = hostport, *e;
    if (*s == '[') {
        s++;
        e = strchr(s, ']');
    } else {
        e = strchr(s, ':');
    }
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n >= cap) n = cap - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

int pc_agent_check_access(struct lws *wsi, const char *token, const char **why) {
    char buf[512];
    char host[256], origin[256];
    header_copy(wsi, WSI_TOKEN_HOST, host, sizeof host);
    header_copy(wsi, WSI_TOKEN_ORIGIN, origin, sizeof origin);
    /* Browsers always send Origin: a page from another site must not drive this agent
     * (cross-site WebSocket hijacking, or reading results with a stolen token). Non-browser
     * clients send none. */
    if (lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN) > 0) {
        const char *auth = strstr(origin, "://");
        if (!auth || !host[0] || strcasecmp(auth + 3, host) != 0) {
            *why = "cross-origin request refused";
            return HTTP_STATUS_FORBIDDEN;
        }
    }
    if (!token || !token[0]) {
        /* Without a token the agent only listens on loopback; also insist on a loopback Host
         * so a DNS-rebinding page cannot reach it under another name. */
        char h[256];
        host_part(host, h, sizeof h);
        if (!pc_agent_host_is_loopback(h)) {
            *why = "Host must be a loopback address";
            return HTTP_STATUS_FORBIDDEN;
        }
        return 0;
    }
    const char *arg = lws_get_urlarg_by_name(wsi, "token=", buf, sizeof buf);
    if (arg && token_equal(arg, strlen(arg), token)) return 0;
    header_copy(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, buf, sizeof buf);
    if (!strncasecmp(buf, "Bearer ", 7)) {
        const char *t = buf + 7;
        while (*t == ' ') t++;
        if (token_equal(t, strlen(t), token)) return 0;
    }
    *why = "missing or wrong token";
    return HTTP_STATUS_UNAUTHORIZED;
}

int pc_agent_check_upgrade(struct lws *wsi, const char *token, int n_clients, const char **why) {
    char buf[512];
    if (n_clients >= PC_AGENT_MAX_CLIENTS) {
        *why = "too many viewers connected";
        return HTTP_STATUS_SERVICE_UNAVAILABLE;
    }
    /* Only our subprotocol: lws would otherwise bind a protocol-less client to the HTTP one. */
    header_copy(wsi, WSI_TOKEN_PROTOCOL, buf, sizeof buf);
    int has_proto = 0;
    for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
        if (!strcmp(t, PC_AGENT_PROTOCOL)) has_proto = 1;
    if (!has_proto) {
        *why = "WebSocket subprotocol " PC_AGENT_PROTOCOL " required";
        return HTTP_STATUS_BAD_REQUEST;
    }
    int r = pc_agent_check_access(wsi, token, why);
    if (r == HTTP_STATUS_FORBIDDEN && !strcmp(*why, "cross-origin request refused"))
        *why = "cross-origin WebSocket refused";
    return r;
}
