/* agent_auth.h — the agent's access policy for WebSocket upgrades and REST requests (see docs/AGENT.md, "Security model"). */
#ifndef PC_AGENT_AUTH_H
#define PC_AGENT_AUTH_H

#include <libwebsockets.h>

/* Decides a WebSocket upgrade on wsi: 0 to accept, else the HTTP status to refuse it with and
 * *why a static reason. token is the agent's token ("" or NULL: none, loopback-only);
 * n_clients the viewers already connected. Requires subprotocol perfcast.v1, a same-host
 * Origin when one is sent, a loopback Host without a token, and the token (?token= or
 * Authorization: Bearer, compared in constant time) with one. */
int pc_agent_check_upgrade(struct lws *wsi, const char *token, int n_clients, const char **why);
/* The access rules alone, for a WebSocket upgrade or a plain HTTP request (the REST API):
 * 0 to accept, else 403 (a cross-site Origin; no token and a non-loopback Host) or 401
 * (token missing or wrong), with *why a static reason. */
int pc_agent_check_access(struct lws *wsi, const char *token, const char **why);

#endif
