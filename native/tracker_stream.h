/* tracker_stream.h — the tracker's live publisher to a perfcast agent (internal to the
 * tracker library; users see pc_tracker_config_t.agent_url and pc_tracker_stream_status).
 *
 * One publisher per tracker session: a libwebsockets client with its own context on its
 * own thread. The tracker's flusher hands it every framed record (the bytes the result file
 * gets, without the 16-byte file header) through pc_tstream_record(), which only copies the
 * record into a bounded in-memory buffer under a mutex: it never waits for the network. The
 * network thread connects (subprotocol perfcast.v1, the token as `Authorization: Bearer`),
 * sends {"type":"publish",...}, waits for the agent's {"type":"publishing"}, then sends the
 * buffered records as binary messages of whole records, coalesced up to PC_TSTREAM_CHUNK.
 *
 * The stream is dropped, never retried, when the agent cannot be reached, refuses the
 * publish (wrong token, a run already going, replay mode), closes the connection, reports
 * an error, or when more than the buffer bound is waiting; the records it did not send are
 * counted and the reason kept. A `stop` from the agent (a viewer stopped the published run)
 * ends it the same way with state STOPPED. The result file, if any, is never affected. */
#ifndef PC_TRACKER_STREAM_H
#define PC_TRACKER_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define PC_TSTREAM_DEFAULT_BUFFER ((size_t)16 << 20) /* bytes of records held for the agent */
#define PC_TSTREAM_CHUNK ((size_t)256 << 10)         /* records coalesced into one message */
#define PC_TSTREAM_SHUTDOWN_WAIT_S 2.0               /* pc_tracker_shutdown's wait for the rest */
#define PC_TSTREAM_CONNECT_TIMEOUT_S 5               /* connect + handshake, then dropped */

typedef struct pc_tstream pc_tstream_t;

/* Starts publishing to url ("ws://HOST:PORT/PATH?QUERY"; "http://" is taken as "ws://", so
 * the address `perfcast agent` prints works too) with token (NULL or "": none, or the URL's
 * ?token=), announcing suite. buffer_bytes 0 means PC_TSTREAM_DEFAULT_BUFFER. Returns NULL
 * only when out of memory; a bad URL or a thread that cannot start gives a stream that is
 * already dropped, with its reason, so the caller never has to handle a failure. The strings
 * are copied. Finish with pc_tstream_finish(), which frees it. */
pc_tstream_t *pc_tstream_start(const char *url, const char *token, const char *suite, size_t buffer_bytes);

/* A session without a stream: pc_tracker_stream_status() says OFF from now on (instead of
 * the previous session's final state). */
void pc_tstream_clear_status(void);

/* Queues one framed record (its 8-byte head, payload, CRC: exactly the file's bytes) for the
 * agent. Takes a mutex for a memcpy (and, when the buffer was empty, one wake-up write);
 * never waits for the network. A stream that is dropped, stopped or done counts the record
 * as dropped; one whose buffer would pass its bound is dropped here. Thread-safe. */
void pc_tstream_record(pc_tstream_t *s, const uint8_t head[8], const void *payload, size_t len, uint32_t crc);

/* Sends what is still queued and closes the connection, waiting at most wait_s seconds; past
 * that the rest is counted as dropped and the connection abandoned. Joins the network thread,
 * keeps the final status for pc_tracker_stream_status() and frees s. NULL is fine. */
void pc_tstream_finish(pc_tstream_t *s, double wait_s);

#endif
