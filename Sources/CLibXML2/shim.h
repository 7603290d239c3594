#ifndef IOP_CLIBXML2_SHIM_H
#define IOP_CLIBXML2_SHIM_H

/* Debian's libxml2 headers include the system ICU, and Foundation brings its own ICU module:
 * a module that sees both fails to build from clean ("'UErrorCode' has different definitions").
 * Undefining LIBXML_ICU_ENABLED after xmlversion.h keeps ICU out (PLATFORM-NOTES.md). */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#endif
