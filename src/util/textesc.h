/*
 * textesc - text from outside made safe for a terminal, a log or syslog.
 *
 * Whatever a file, a certificate or a remote name holds is printed through
 * text_escape: a control character (C0, DEL, C1 U+0080-U+009F) can move the
 * cursor, rewrite a line or start an escape sequence; a bidi override, embedding,
 * isolate or mark (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) can
 * make a line read backwards; U+2028 and U+2029 break lines in some viewers.
 * Each becomes visible text: \n \r \t, else \u followed by four lower-case hex
 * digits (\u202e, \u0085, \u001b).  A byte that is not part of well-formed
 * UTF-8 becomes \xNN.  Everything else, backslashes included, is kept.
 * Acknowledgements, dispatches, reports and CSV keep the text as it is:
 * only what is shown to a person is escaped.
 */
#ifndef SLKTX_TEXTESC_H
#define SLKTX_TEXTESC_H

#include <stddef.h>

/* keep "\n" (and "\r\n", as "\n") as line breaks, for multi-line fields */
#define TEXT_ESCAPE_KEEP_NEWLINES 1

/*
 * Escape s into out (size bytes).  Like snprintf: returns the length of the
 * whole escaped text, writes what fits and a NUL (when size > 0), never half
 * an escape or half a character.
 */
size_t text_escape(char *out, size_t size, const char *s, int flags);

/* The escaped text, malloc'd; NULL when out of memory. */
char *text_escape_dup(const char *s, int flags);

#endif
