/* libpq, PostgreSQL's client library, for GatewayStore's PostgreSQL engine (imported there only,
 * with `internal import`, so no libpq type appears in a public API). Found through pkg-config
 * (`libpq`), from Debian's libpq-dev. */
#ifndef IOP_CLIBPQ_SHIM_H
#define IOP_CLIBPQ_SHIM_H

#include <libpq-fe.h>

/* The error-field codes are character-literal macros, which Swift does not import. */
static inline int iop_pq_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int iop_pq_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }

/* Drops the server's NOTICE and WARNING messages instead of printing them to stderr: they are
 * about the static SQL (`relation already exists, skipping`) and have no reader. */
static void iop_pq_ignore_notice(void *argument, const PGresult *result) {
    (void)argument;
    (void)result;
}

static inline void iop_pq_silence_notices(PGconn *connection) {
    PQsetNoticeReceiver(connection, iop_pq_ignore_notice, NULL);
}

#endif
