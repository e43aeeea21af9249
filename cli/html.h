/* SPDX-License-Identifier: MIT */
/*
 * html.h - HTML pieces shared by `report --html` and `serve`: escaping,
 * rows of a report view kept in memory, tables and inline SVG bar charts.
 * Everything from the evidence goes through cli_html_escape().
 */
#ifndef CT_CLI_HTML_H
#define CT_CLI_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Write s escaped for HTML text and (quoted) attribute values, made
 * visible first (cli_vis(): a bidi override does not reorder the page).
 * NULL writes nothing. */
void cli_html_escape(FILE *f, const char *s);

/* Rows of a view kept for a page (see cli_table_keep_row()). */
struct cli_table {
	size_t ncols;		/* columns per row */
	char **names;		/* column names, ncols */
	char ***rows;		/* rows of ncols values (NULL: SQL NULL) */
	size_t count, cap;	/* rows kept, allocated */
	bool failed;		/* out of memory: rows are missing */
};

/* A ct_results_row_fn that appends the row to the struct cli_table arg. */
int cli_table_keep_row(void *arg, size_t ncols, const char *const *names,
		       const char *const *values);
/* Free what a table holds (not the struct); the table is left empty. */
void cli_table_free(struct cli_table *t);

/* Where a cell links to: a path prefix the (URL-encoded) value follows,
 * e.g. "/case/" for column "id", or NULL for plain text. */
typedef const char *(*cli_html_link_fn)(const char *column);

/* A table titled title (an <h2>), sortable by a click with scripting on;
 * link (may be NULL) turns cells into links. */
void cli_html_table(FILE *f, const char *title, const struct cli_table *t,
		    cli_html_link_fn link);
/* A horizontal SVG bar chart of (label column, value column). */
void cli_html_chart(FILE *f, const char *title, const struct cli_table *t,
		    size_t label_col, size_t value_col);
/* Write s percent-encoded for a URL path segment or query value: every
 * byte but A-Z a-z 0-9 - . _ ~ as %XX. */
void cli_url_encode(FILE *f, const char *s);

#endif /* CT_CLI_HTML_H */
