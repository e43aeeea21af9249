/* SPDX-License-Identifier: MIT */
/*
 * cmd-report.c - "crashtriage report --db FILE": what a batch found, for
 * people (text), for programs (--json: one JSON object per case per
 * line; --csv: one row per case, RFC 4180), or as one self-contained
 * HTML page (--html FILE) with inline SVG charts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/options.h"
#include "analyzer/strbuf.h"
#include "cli/html.h"
#include "db/results.h"

const char cmd_report_usage[] =
	"usage: crashtriage report --db FILE [--json | --csv | --html OUT]\n"
	"                          [--top N]\n"
	"\n"
	"Summarise a results database written by 'crashtriage batch': totals,\n"
	"cases per known issue with their verdicts, the largest clusters of\n"
	"unknown crashes, and the inputs that failed.\n"
	"\n"
	"  --db FILE   the results database\n"
	"  --json      one JSON object per case, one per line\n"
	"  --csv       one row per case, with a header row (RFC 4180); a\n"
	"              cell that starts with = + - @, tab or CR gets a leading\n"
	"              ' so that spreadsheets do not run it as a formula\n"
	"  --html OUT  write one self-contained HTML page to OUT (- for\n"
	"              stdout), through a temporary file renamed into place;\n"
	"              OUT may not be the database\n"
	"  --top N     rows per section of the summary (default 20, 0 = all)\n"
	"  -h, --help  show this help\n"
	"\n"
	"The database is opened read-only; a file that is no results\n"
	"database is refused.  Clusters' first and last seen and the cases\n"
	"per day are by the crash time in the evidence (a dump's crash time,\n"
	"else the latest dated event), else by the time stored: the report\n"
	"says which.  Options may come in any order; '--' ends them.\n"
	"\n"
	"exit status: 0 on success, 1 when the database cannot be read,\n"
	"2 on usage errors\n";

/* Columns of CT_VIEW_CASES printed as JSON numbers. */
static bool numeric_column(const char *name)
{
	return strcmp(name, "id") == 0 || strcmp(name, "score") == 0 ||
	       strcmp(name, "cluster") == 0 || strcmp(name, "added_at") == 0;
}

static int print_json_row(void *arg, size_t ncols, const char *const *names,
			  const char *const *values)
{
	(void)arg;
	struct ct_strbuf sb = CT_STRBUF_INIT;
	ct_strbuf_putc(&sb, '{');
	for (size_t i = 0; i < ncols; i++) {
		if (i)
			ct_strbuf_putc(&sb, ',');
		ct_strbuf_json_string(&sb, names[i]);
		ct_strbuf_putc(&sb, ':');
		if (values[i] && numeric_column(names[i]))
			ct_strbuf_puts(&sb, values[i]);
		else
			ct_strbuf_json_string(&sb, values[i]);
	}
	ct_strbuf_putc(&sb, '}');
	if (sb.failed) {
		ct_strbuf_deinit(&sb);
		return 1;
	}
	puts(sb.buf);
	ct_strbuf_deinit(&sb);
	return 0;
}

/* One CSV field, quoted when it holds a comma, quote, CR or LF.  A cell
 * a spreadsheet would run as a formula (=, +, -, @, or a tab or CR
 * first, as OWASP lists them) gets a leading single quote and is quoted:
 * file and host names come from the evidence. */
static void csv_field(const char *s)
{
	if (!s)
		return;
	bool formula = strchr("=+-@\t\r", s[0]) && s[0];
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	if (formula)
		putchar('\'');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

struct csv_state {
	bool header_done;
};

static int print_csv_row(void *arg, size_t ncols, const char *const *names,
			 const char *const *values)
{
	struct csv_state *cs = arg;
	if (!cs->header_done) {
		for (size_t i = 0; i < ncols; i++) {
			if (i)
				putchar(',');
			csv_field(names[i]);
		}
		fputs("\r\n", stdout);
		cs->header_done = true;
	}
	for (size_t i = 0; i < ncols; i++) {
		if (i)
			putchar(',');
		csv_field(values[i]);
	}
	fputs("\r\n", stdout);
	return 0;
}

/* ---- text summary ------------------------------------------------------- */

/* A value for the text summary: "-" for NULL, else made visible (names,
 * hosts and titles come from the evidence). */
static const char *v(const char *s)
{
	return s ? cli_vis(s) : "-";
}

static int print_totals(void *arg, size_t ncols, const char *const *names,
			const char *const *values)
{
	(void)arg;
	(void)names;
	if (ncols < 9)
		return 1;
	printf("inputs     %s (%s unfinished)\n", v(values[0]), v(values[1]));
	printf("cases      %s: %s known, %s unknown, %s no crash, "
	       "%s unrecognised, %s failed\n", v(values[2]), v(values[3]),
	       v(values[4]), v(values[5]), v(values[6]), v(values[7]));
	printf("clusters   %s of unknown crashes\n", v(values[8]));
	return 0;
}

static int print_known(void *arg, size_t ncols, const char *const *names,
		       const char *const *values)
{
	bool *any = arg;
	(void)names;
	if (ncols < 6)
		return 1;
	if (!*any)
		printf("\nknown issues%*s cases affected fixed unknown\n",
		       38, "");
	*any = true;
	printf("  %-47.47s %5s %8s %5s %7s\n", v(values[0]), v(values[2]),
	       v(values[3]), v(values[4]), v(values[5]));
	if (values[1])
		printf("    %.76s\n", v(values[1]));
	return 0;
}

static int print_cluster(void *arg, size_t ncols, const char *const *names,
			 const char *const *values)
{
	bool *any = arg;
	(void)names;
	if (ncols < 8)
		return 1;
	if (!*any)
		printf("\nlargest unknown clusters\n");
	*any = true;
	const char *from = ncols > 8 && values[8] ? values[8] : "stored";
	printf("  cluster %s: %s cases, first %s, last %s (%s)\n",
	       v(values[0]), v(values[1]), v(values[2]), v(values[3]),
	       strcmp(from, "evidence") == 0 ? "crash times in the evidence" :
	       strcmp(from, "mixed") == 0 ? "crash times in the evidence, "
	       "storage times where it has none" : "storage times: no time "
	       "in the evidence");
	printf("    %s\n", v(values[6]));
	if (values[4])
		printf("    hosts: %s\n", v(values[4]));
	if (values[5])
		printf("    versions: %s\n", v(values[5]));
	if (values[7])
		printf("    nearest known issues: %s\n", v(values[7]));
	return 0;
}

static int print_failed(void *arg, size_t ncols, const char *const *names,
			const char *const *values)
{
	bool *any = arg;
	(void)names;
	if (ncols < 3)
		return 1;
	if (!*any)
		printf("\nfailed inputs\n");
	*any = true;
	printf("  %s\n    %s\n", v(values[1]), v(values[2]));
	return 0;
}

static struct ct_error *report_text(struct ct_results *db, size_t top)
{
	bool any = false;
	struct ct_error *err = ct_results_view(db, CT_VIEW_TOTALS, 0,
					       print_totals, NULL);
	if (!err)
		err = ct_results_view(db, CT_VIEW_KNOWN, top, print_known,
				      &any);
	any = false;
	if (!err)
		err = ct_results_view(db, CT_VIEW_CLUSTERS, top, print_cluster,
				      &any);
	any = false;
	if (!err)
		err = ct_results_view(db, CT_VIEW_FAILED, top, print_failed,
				      &any);
	return err;
}

/* ---- HTML --------------------------------------------------------------- */

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<title>crashtriage report</title>\n<style>\n"
	"body{font-family:sans-serif;margin:2em;color:#222}\n"
	"table{border-collapse:collapse;margin-bottom:2em}\n"
	"th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;"
	"font-size:13px}\nth{background:#eee;cursor:pointer}\n"
	"svg text{font-size:12px}\n</style></head><body>\n"
	"<h1>crashtriage report</h1>\n";

/* Sorting without any network resource: click a header. */
static const char html_tail[] =
	"<script>\n"
	"document.querySelectorAll('table.sortable th').forEach(function(th){"
	"th.addEventListener('click',function(){"
	"var table=th.closest('table'),body=table.tBodies[0],"
	"i=Array.prototype.indexOf.call(th.parentNode.children,th),"
	"asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';"
	"var rows=Array.prototype.slice.call(body.rows);"
	"rows.sort(function(a,b){var x=a.cells[i].textContent,"
	"y=b.cells[i].textContent,nx=parseFloat(x),ny=parseFloat(y);"
	"var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);"
	"return asc?c:-c;});"
	"rows.forEach(function(r){body.appendChild(r);});});});\n"
	"</script>\n</body></html>\n";

/* ---- output files ------------------------------------------------------ */

/* Whether path names the same file as the database or one of its side
 * files (same device and inode: a link or another spelling too). */
static bool is_database_file(const char *db_path, const char *path)
{
	static const char *const sides[] = { "", "-wal", "-shm", "-journal" };
	struct stat out;
	if (stat(path, &out) != 0)
		return false;
	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		char *p;
		struct stat st;
		if (asprintf(&p, "%s%s", db_path, sides[i]) < 0)
			continue;
		bool same = stat(p, &st) == 0 && st.st_dev == out.st_dev &&
			    st.st_ino == out.st_ino;
		free(p);
		if (same)
			return true;
	}
	return false;
}

/*
 * Open the output file out ("-": stdout) for writing: a temporary file in
 * the same folder, renamed over out by output_close(), so that a failed
 * or interrupted report never leaves half a file in place of the last
 * one.  An out that is the database is refused.  *ret_tmp: the temporary
 * file's name (NULL for stdout).
 */
static struct ct_error *output_open(const char *out, const char *db_path,
				    FILE **ret, char **ret_tmp)
{
	if (strcmp(out, "-") == 0) {
		*ret = stdout;
		*ret_tmp = NULL;
		return NULL;
	}
	if (is_database_file(db_path, out))
		return ct_error_at(ct_error_create(
			CT_ERROR_INVALID_ARGUMENT, "is the results database "
			"'%s': not overwritten", db_path), out, 0, 0, false);
	const char *slash = strrchr(out, '/');
	char *tmp;
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - out + 1) : 0,
		     out, slash ? slash + 1 : out) < 0)
		return &ct_enomem;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		struct ct_error *err = ct_error_os(errno, out, "cannot write");
		free(tmp);
		return err;
	}
	mode_t mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		struct ct_error *err = ct_error_os(errno, out, "cannot write");
		close(fd);
		unlink(tmp);
		free(tmp);
		return err;
	}
	*ret = f;
	*ret_tmp = tmp;
	return NULL;
}

/* Finish what output_open() began: check every write, rename into place
 * (or remove the temporary file on error).  Frees tmp. */
static struct ct_error *output_close(const char *out, FILE *f, char *tmp)
{
	if (!tmp)	/* stdout: checked by cli_stdout_close() */
		return NULL;
	struct ct_error *err = NULL;
	bool bad = ferror(f) != 0;
	errno = 0;
	if (fflush(f) != 0 || bad)
		err = ct_error_os(errno ? errno : EIO, out, "cannot write");
	if (fclose(f) != 0 && !err)
		err = ct_error_os(errno, out, "cannot write");
	if (!err && rename(tmp, out) != 0)
		err = ct_error_os(errno, out, "cannot rename '%s' to", tmp);
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}

static struct ct_error *report_html(struct ct_results *db,
				    const char *db_path, const char *out,
				    size_t top)
{
	struct cli_table totals = { 0 }, known = { 0 }, clusters = { 0 },
		     failed = { 0 }, versions = { 0 }, cases = { 0 },
		     timeline = { 0 };
	struct ct_error *err = ct_results_view(db, CT_VIEW_TOTALS, 0,
					       cli_table_keep_row, &totals);
	if (!err)
		err = ct_results_view(db, CT_VIEW_KNOWN, 0, cli_table_keep_row, &known);
	if (!err)
		err = ct_results_view(db, CT_VIEW_CLUSTERS, top, cli_table_keep_row,
				      &clusters);
	if (!err)
		err = ct_results_view(db, CT_VIEW_FAILED, 0, cli_table_keep_row,
				      &failed);
	if (!err)
		err = ct_results_view(db, CT_VIEW_VERSIONS, top, cli_table_keep_row,
				      &versions);
	if (!err)
		err = ct_results_view(db, CT_VIEW_CASES, 0, cli_table_keep_row, &cases);
	if (!err)
		err = ct_results_view(db, CT_VIEW_TIMELINE, 60, cli_table_keep_row,
				      &timeline);
	if (!err && (timeline.failed || totals.failed || known.failed || clusters.failed ||
		     failed.failed || versions.failed || cases.failed))
		err = &ct_enomem;
	FILE *f = NULL;
	char *tmp = NULL;
	if (!err)
		err = output_open(out, db_path, &f, &tmp);
	if (!err) {
		fputs(html_head, f);
		if (totals.count)
			cli_html_table(f, "Totals", &totals, NULL);
		cli_html_chart(f, "Cases per known issue", &known, 0, 2);
		cli_html_chart(f, "Cases per product version", &versions, 0, 1);
		cli_html_chart(f, "Cases per day of the crash (its time in the "
			   "evidence, else when stored; last 60 days)",
			   &timeline, 0, 1);
		cli_html_table(f, "Known issues", &known, NULL);
		cli_html_table(f, "Largest unknown clusters", &clusters, NULL);
		cli_html_table(f, "Failed inputs", &failed, NULL);
		cli_html_table(f, "Cases", &cases, NULL);
		fputs(html_tail, f);
		err = output_close(out, f, tmp);
	}
	cli_table_free(&totals);
	cli_table_free(&known);
	cli_table_free(&clusters);
	cli_table_free(&failed);
	cli_table_free(&versions);
	cli_table_free(&cases);
	cli_table_free(&timeline);
	return err;
}

int cmd_report(int argc, char **argv)
{
	const char *db_path = NULL, *html = NULL;
	bool json = false, csv = false;
	unsigned long top = 20;
	const struct cli_option options[] = {
		CLI_STRING("db", 0, &db_path),
		CLI_FLAG("json", 0, &json),
		CLI_FLAG("csv", 0, &csv),
		CLI_STRING("html", 0, &html),
		CLI_UINT("top", 0, &top, 0, 0),
		CLI_END,
	};
	int optind;
	int rc = cli_parse(argc, argv, options, cmd_report_usage, false,
			   &optind);
	if (rc >= 0)
		return rc;
	if (!db_path || optind < argc || json + csv + (html != NULL) > 1) {
		fputs(cmd_report_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (access(db_path, R_OK) != 0) {
		cli_error(ct_error_os(errno, db_path, "cannot open"));
		return CLI_EXIT_FAILED;
	}
	struct ct_results *db;
	struct ct_error *err = ct_results_open_readonly(db_path, &db);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	struct csv_state cs = { false };
	if (json)
		err = ct_results_view(db, CT_VIEW_CASES, 0, print_json_row,
				      NULL);
	else if (csv)
		err = ct_results_view(db, CT_VIEW_CASES, 0, print_csv_row,
				      &cs);
	else if (html)
		err = report_html(db, db_path, html, top);
	else
		err = report_text(db, top);
	ct_results_close(db);
	if (err) {
		cli_error(err);
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}
