/* The type of an uploaded file, found from its bytes (never from its name or the client's
 * Content-Type). Pure: no I/O. Accepted: PDF, JPEG, PNG, GIF, WebP, Word (.docx) and Excel
 * (.xlsx) documents, and plain text (valid UTF-8 without NUL bytes). Everything else —
 * executables, archives, legacy Office files, other encodings — is refused. */
#ifndef SX_MIME_H
#define SX_MIME_H
#include <stddef.h>

#define MIME_PDF "application/pdf"
#define MIME_JPEG "image/jpeg"
#define MIME_PNG "image/png"
#define MIME_GIF "image/gif"
#define MIME_WEBP "image/webp"
#define MIME_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define MIME_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define MIME_TEXT "text/plain; charset=utf-8"

/* The media type of the len bytes at data (a constant string above), or NULL when the type is
 * not accepted (also for len 0). */
const char *mime_detect(const void *data, size_t len);
#endif
