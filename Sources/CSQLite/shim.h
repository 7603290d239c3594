#ifndef IOP_CSQLITE_SHIM_H
#define IOP_CSQLITE_SHIM_H

/* Debian's libsqlite3-dev. Imported only by GatewayStore (`internal import`), so no SQLite
 * type appears in a public API. */
#include <sqlite3.h>

#endif
