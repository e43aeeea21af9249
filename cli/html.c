/* SPDX-License-Identifier: MIT */
/*
 * html.c - HTML pieces shared by `report --html` and `serve` (html.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/html.h"
#include "analyzer/strbuf.h"

/* Write s escaped for HTML text and attribute values, made visible first
 * (cli_vis: a bidi override in a file name does not reorder the page). */
void cli_html_escape(FILE *f, const char *s)
{
	if (s)
		s = cli_vis(s);
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

int cli_table_keep_row(void *arg, size_t ncols, const char *const *names,
		       const char *const *values)
{
	struct cli_table *t = arg;
	if (!t->names) {
		t->ncols = ncols;
		t->names = calloc(ncols ? ncols : 1, sizeof(*t->names));
		if (!t->names)
			goto nomem;
		for (size_t i = 0; i < ncols; i++)
			if (!(t->names[i] = strdup(names[i])))
				goto nomem;
	}
	if (!ct_grow((void **)&t->rows, &t->cap, t->count + 1,
		     sizeof(*t->rows)))
		goto nomem;
	char **row = calloc(ncols ? ncols : 1, sizeof(*row));
	if (!row)
		goto nomem;
	t->rows[t->count++] = row;
	for (size_t i = 0; i < ncols; i++)
		if (values[i] && !(row[i] = strdup(values[i])))
			goto nomem;
	return 0;
nomem:
	t->failed = true;
	return 1;
}

void cli_table_free(struct cli_table *t)
{
	for (size_t r = 0; r < t->count; r++) {
		for (size_t i = 0; i < t->ncols; i++)
			free(t->rows[r][i]);
		free(t->rows[r]);
	}
	free(t->rows);
	if (t->names)
		for (size_t i = 0; i < t->ncols; i++)
			free(t->names[i]);
	free(t->names);
	*t = (struct cli_table){ 0 };	/* empty, as html.h says */
}

/* A horizontal bar chart of (label column, value column). */
void cli_html_chart(FILE *f, const char *title, const struct cli_table *t,
		    size_t label_col, size_t value_col)
{
	enum { BAR_H = 22, LABEL_W = 320, BAR_W = 400 };
	double max = 0;
	for (size_t r = 0; r < t->count; r++) {
		double x = t->rows[r][value_col] ?
			   strtod(t->rows[r][value_col], NULL) : 0;
		if (x > max)
			max = x;
	}
	fprintf(f, "<h2>");
	cli_html_escape(f, title);
	fprintf(f, "</h2>\n");
	if (!t->count) {
		fputs("<p>none</p>\n", f);
		return;
	}
	fprintf(f, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%zu\" role=\"img\">\n",
		LABEL_W + BAR_W + 60, t->count * BAR_H + 4);
	for (size_t r = 0; r < t->count; r++) {
		const char *label = t->rows[r][label_col];
		const char *val = t->rows[r][value_col];
		double x = val ? strtod(val, NULL) : 0;
		int w = max > 0 ? (int)(x / max * BAR_W) : 0;
		size_t y = r * BAR_H + 2;
		fprintf(f, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">",
			LABEL_W - 6, y + 15);
		cli_html_escape(f, label ? label : "-");
		fprintf(f, "</text><rect x=\"%d\" y=\"%zu\" width=\"%d\" "
			"height=\"%d\" fill=\"#4a78b5\"/><text x=\"%d\" "
			"y=\"%zu\">", LABEL_W, y, w > 0 ? w : 1, BAR_H - 6,
			LABEL_W + (w > 0 ? w : 1) + 4, y + 15);
		cli_html_escape(f, val ? val : "0");
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
}

void cli_html_table(FILE *f, const char *title, const struct cli_table *t,
		    cli_html_link_fn link)
{
	fprintf(f, "<h2>");
	cli_html_escape(f, title);
	fprintf(f, "</h2>\n<table class=\"sortable\"><thead><tr>");
	for (size_t i = 0; i < t->ncols; i++) {
		fputs("<th>", f);
		cli_html_escape(f, t->names[i]);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>\n", f);
	for (size_t r = 0; r < t->count; r++) {
		fputs("<tr>", f);
		for (size_t i = 0; i < t->ncols; i++) {
			const char *v = t->rows[r][i];
			const char *to = link && v ? link(t->names[i]) : NULL;
			fputs("<td>", f);
			if (to) {
				fprintf(f, "<a href=\"%s", to);
				cli_url_encode(f, v);
				fputs("\">", f);
			}
			cli_html_escape(f, v);
			fputs(to ? "</a></td>" : "</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

void cli_url_encode(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c))
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}
