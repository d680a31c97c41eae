#include "mime.h"
#include "../util/jsonv.h"
#include <stdint.h>
#include <string.h>

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define ZIP_EOCD 0x06054b50u   /* end of central directory */
#define ZIP_CENTRAL 0x02014b50u /* central directory file header */
#define ZIP_LOCAL 0x04034b50u   /* local file header */
#define ZIP_MAX_ENTRIES 4096

/* Office Open XML: a zip whose central directory lists [Content_Types].xml and entries below
 * word/ (docx) or xl/ (xlsx). Every offset is bounds-checked; anything odd → NULL. */
static const char *ooxml_type(const unsigned char *p, size_t len)
{
    if (len < 22 + 30) return NULL;
    /* The EOCD record is the last 22 bytes plus a comment of at most 65535 bytes. */
    size_t lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
    size_t eocd = SIZE_MAX;
    for (size_t i = len - 22 + 1; i-- > lo;) {
        if (le32(p + i) == ZIP_EOCD && i + 22 + le16(p + i + 20) == len) {
            eocd = i;
            break;
        }
    }
    if (eocd == SIZE_MAX) return NULL;
    uint32_t entries = le16(p + eocd + 10), cd_size = le32(p + eocd + 12), cd_off = le32(p + eocd + 16);
    if (entries == 0 || entries > ZIP_MAX_ENTRIES || (size_t)cd_off > eocd || (size_t)cd_size > eocd - cd_off)
        return NULL;
    int types = 0, word = 0, xl = 0;
    size_t off = cd_off, end = (size_t)cd_off + cd_size;
    for (uint32_t e = 0; e < entries; e++) {
        if (off > end || end - off < 46 || le32(p + off) != ZIP_CENTRAL) return NULL;
        size_t nlen = le16(p + off + 28), xlen = le16(p + off + 30), clen = le16(p + off + 32);
        uint32_t local = le32(p + off + 42);
        if (end - off - 46 < nlen + xlen + clen) return NULL;
        if ((size_t)local > cd_off || cd_off - local < 30 || le32(p + local) != ZIP_LOCAL) return NULL;
        const char *name = (const char *)p + off + 46;
        if (nlen == 19 && !memcmp(name, "[Content_Types].xml", 19)) types = 1;
        else if (nlen > 5 && !memcmp(name, "word/", 5)) word = 1;
        else if (nlen > 3 && !memcmp(name, "xl/", 3)) xl = 1;
        off += 46 + nlen + xlen + clen;
    }
    if (!types || word == xl) return NULL; /* neither, or an odd mixture of both */
    return word ? MIME_DOCX : MIME_XLSX;
}

const char *mime_detect(const void *data, size_t len)
{
    const unsigned char *p = data;
    if (!p || !len) return NULL;
    if (len >= 5 && !memcmp(p, "%PDF-", 5)) return MIME_PDF;
    if (len >= 4 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return MIME_JPEG;
    if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8)) return MIME_PNG;
    if (len >= 6 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6))) return MIME_GIF;
    if (len >= 16 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBPVP8", 7)) return MIME_WEBP;
    if (len >= 4 && le32(p) == ZIP_LOCAL) return ooxml_type(p, len);
    if (utf8_valid((const char *)p, len)) return MIME_TEXT;
    return NULL;
}
